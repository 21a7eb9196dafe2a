import { chmod, chown, mkdir, readdir, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ownFolder, pruneCacheFolder, pruneNowAndThen, readCacheFile } from '../src/cache-file.js';
import { baseFileText, rememberBase } from '../src/project/base.js';
import { tempDir } from './support/cli.js';

const DAY = 24 * 3600 * 1000;
const NOW = Date.now();

/** A folder of entries, each `bytes` long and written `daysAgo` days before NOW. */
async function folderOf(entries: Record<string, { bytes: number; daysAgo: number }>): Promise<string> {
  const folder = join(await tempDir(), 'entries');
  await mkdir(folder);
  for (const [name, { bytes, daysAgo }] of Object.entries(entries)) {
    await writeFile(join(folder, name), 'x'.repeat(bytes));
    const when = new Date(NOW - daysAgo * DAY);
    await utimes(join(folder, name), when, when);
  }
  return folder;
}

describe('the cache folders stay bounded', () => {
  it('drops entries not written for two weeks', async () => {
    const folder = await folderOf({ fresh: { bytes: 10, daysAgo: 1 }, week: { bytes: 10, daysAgo: 7 }, old: { bytes: 10, daysAgo: 15 }, 'torn.tmp': { bytes: 3, daysAgo: 30 } });
    await pruneCacheFolder(folder, undefined, NOW);
    expect((await readdir(folder)).sort()).toEqual(['fresh', 'week']);
  });

  it('past its size bound drops the oldest first, and keeps the newest whatever its size', async () => {
    const folder = await folderOf({ a: { bytes: 400, daysAgo: 3 }, b: { bytes: 400, daysAgo: 2 }, c: { bytes: 400, daysAgo: 1 } });
    await pruneCacheFolder(folder, 900, NOW);
    expect((await readdir(folder)).sort()).toEqual(['b', 'c']);
    await pruneCacheFolder(folder, 100, NOW);
    expect(await readdir(folder)).toEqual(['c']);
  });

  it('a folder written on every run is pruned one run in twenty, at the first write of the run only', async () => {
    const folder = await folderOf({ old: { bytes: 10, daysAgo: 20 } });
    const random = vi.spyOn(Math, 'random').mockReturnValue(0.5);
    try {
      await pruneNowAndThen(folder)(); // a run that does not look
      expect(await readdir(folder)).toEqual(['old']);
      random.mockReturnValue(0.01);
      const prune = pruneNowAndThen(folder); // a run that does
      await prune();
      expect(await readdir(folder)).toEqual([]);
      await writeFile(join(folder, 'later'), 'x');
      await utimes(join(folder, 'later'), new Date(NOW - 20 * DAY), new Date(NOW - 20 * DAY));
      await prune(); // the same run's next write
      expect(await readdir(folder)).toEqual(['later']);
    } finally {
      random.mockRestore();
    }
  });

  it('a missing folder is nothing to prune', async () => {
    await expect(pruneCacheFolder(join(await tempDir(), 'missing'))).resolves.toBeUndefined();
  });

  it('remembering a base prunes the bases remembered before it', async () => {
    const cacheDir = await tempDir();
    const bases = join(cacheDir, 'merge-base-v1');
    await mkdir(bases);
    await writeFile(join(bases, 'stale.json'), '{}');
    await utimes(join(bases, 'stale.json'), new Date(NOW - 20 * DAY), new Date(NOW - 20 * DAY));
    const files = new Map([['README.md', '# piksel\n']]);
    await rememberBase(cacheDir, baseFileText(files, '1.2.3'), files, '1.2.3');
    expect(await readdir(bases)).toEqual([expect.stringMatching(/^[0-9a-f]{64}\.json$/)]);
  });
});

describe('cache folders and entries are believed only when they are the user’s own', () => {
  it('a missing folder is made, readable by its owner only; one others may write to is refused', async () => {
    const folder = join(await tempDir(), 'made', 'cache');
    expect(await ownFolder(folder)).toBe(true);
    expect((await stat(folder)).mode & 0o777).toBe(0o700);
    await chmod(folder, 0o777);
    expect(await ownFolder(folder)).toBe(false);
    await chmod(folder, 0o775);
    expect(await ownFolder(folder)).toBe(false);
  });

  it('an entry others may write to is not read', async () => {
    const folder = await tempDir();
    await writeFile(join(folder, 'entry.json'), '{"planted":true}', { mode: 0o600 });
    expect(readCacheFile(join(folder, 'entry.json'))).toBe('{"planted":true}');
    await chmod(join(folder, 'entry.json'), 0o666);
    expect(readCacheFile(join(folder, 'entry.json'))).toBeUndefined();
  });

  it.runIf(process.getuid?.() === 0)('a folder or entry another user owns is refused', async () => {
    const folder = await tempDir();
    await writeFile(join(folder, 'entry.json'), '{}', { mode: 0o600 });
    await chown(join(folder, 'entry.json'), 65534, 65534);
    expect(readCacheFile(join(folder, 'entry.json'))).toBeUndefined();
    await chown(folder, 65534, 65534);
    expect(await ownFolder(folder)).toBe(false);
  });
});

import { cp, mkdir, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { STAGING_PREFIX } from '../../src/repository/write.js';
import { tempDir } from '../support/cli.js';
import { create, generated, git, isolateStateDir } from './support.js';

beforeAll(isolateStateDir);

/** Every file under dir with its text. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  return Object.fromEntries(await Promise.all(files.map(async (f) => [f, await readFile(f, 'utf8')] as const)));
}

describe('a repository that carries hostile content', () => {
  it('a staging record committed to git is never replayed in a clone (nothing written or deleted outside)', async () => {
    const origin = await generated();
    const sandbox = join(origin, '..');
    // The attacker commits a record that moves a file out of the repository and deletes another.
    const staging = `${STAGING_PREFIX}evil`;
    await mkdir(join(origin, staging, 'files'), { recursive: true });
    await writeFile(join(origin, 'victim'), 'planted\n');
    await writeFile(join(origin, staging, 'journal.json'), JSON.stringify({ writes: ['../../victim'], deletes: ['../../keep'] }));
    await git(origin, 'add', '-f', 'victim', staging);
    await git(origin, 'commit', '-qm', 'innocent');
    const clone = join(await tempDir(), 'a', 'b', 'clone');
    await git(sandbox, 'clone', '-q', origin, clone);
    const outside = join(clone, '..', '..');
    await writeFile(join(outside, 'keep'), 'mine\n');

    const { lines } = await create([clone, '--yes', '--set', 'gpu.enabled=false']);

    expect(await readFile(join(outside, 'keep'), 'utf8')).toBe('mine\n');
    expect(existsSync(join(outside, 'victim'))).toBe(false);
    expect(lines.join('\n')).toMatch(new RegExp(`ignored ${staging}: not left by an interrupted run`));
    expect(await git(clone, 'log', '-1', '--format=%s')).toMatch(/create-piksel-gitops/);
  });

  it('a sealed-looking record with paths leaving the repository is not acted on', async () => {
    const dir = await generated();
    const staging = `${STAGING_PREFIX}copied`;
    await mkdir(join(dir, staging, 'files'), { recursive: true });
    await writeFile(join(dir, staging, 'journal.json'), JSON.stringify({ format: 2, state: 'applying', pid: 1, host: 'x', writes: [], deletes: ['/etc/hostname'], seal: 'a'.repeat(64) }));
    const { lines } = await create([dir, '--yes']);
    expect(lines.join('\n')).toMatch(/ignored .*copied/);
    expect(existsSync(join(dir, staging, 'journal.json'))).toBe(true); // not ours: left for the person
  });

  for (const link of ['apps', '.piksel']) {
    it(`refuses (exit 2, nothing written outside) to write through ${link} -> a folder outside the repository`, async () => {
      const dir = await generated();
      const elsewhere = await tempDir('piksel-elsewhere-');
      // The folder's content lives elsewhere now; the repository keeps a link to it.
      await cp(join(dir, link), elsewhere, { recursive: true });
      await rm(join(dir, link), { recursive: true });
      await symlink(elsewhere, join(dir, link));
      await git(dir, 'add', '-A');
      await git(dir, 'commit', '-qm', 'link');
      const before = (await readlink(join(dir, link))).toString();
      const outsideBefore = await snapshot(elsewhere);
      await expect(create([dir, '--yes', '--restore-deleted', '--set', 'gpu.enabled=false'])).rejects.toMatchObject({
        kind: 'input',
        message: expect.stringMatching(new RegExp(`^${link.replace('.', '\\.')} is a symbolic link to .*outside the repository: refusing`)),
      });
      expect(await readlink(join(dir, link))).toBe(before);
      expect(await snapshot(elsewhere)).toEqual(outsideBefore);
    });
  }
});

import { chmod, chown, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPikselError } from '../src/errors.js';
import { baseFileText, readBase, rememberBase } from '../src/project/base.js';
import { readProjectFiles } from '../src/project/open.js';
import { tempDir } from './support/cli.js';
import { renderDefault } from './validate/support.js';

const FILES = new Map([
  ['README.md', '# piksel\n'],
  ['clusters/development/apps.yaml', 'kind: Kustomization\nmetadata:\n  name: apps\n'],
]);

async function repositoryWithBase(text: string): Promise<string> {
  const dir = await tempDir();
  await mkdir(join(dir, '.piksel'));
  await writeFile(join(dir, '.piksel/base.yaml'), text);
  return dir;
}

describe('the merge base, remembered by content', () => {
  it('reads the same base from the cache as from the file, and a memo that is not a base is parsed afresh', async () => {
    const dir = await repositoryWithBase(baseFileText(FILES, '1.2.3'));
    const cacheDir = await tempDir();
    const fresh = await readBase(dir);
    expect(fresh).toEqual({ toolVersion: '1.2.3', files: FILES });
    expect(await readBase(dir, cacheDir)).toEqual(fresh);
    const [memo] = await readdir(join(cacheDir, 'merge-base-v1'));
    expect(memo).toMatch(/^[0-9a-f]{64}\.json$/);
    expect(await readBase(dir, cacheDir)).toEqual(fresh);
    // The memo is what is read (so the remembered base below must equal the parse): a planted one wins.
    await writeFile(join(cacheDir, 'merge-base-v1', memo!), JSON.stringify({ format: 1, toolVersion: 'memo', files: {} }));
    expect(await readBase(dir, cacheDir)).toEqual({ toolVersion: 'memo', files: new Map() });

    // A memo holding something else (a torn write, another tool's file) is never trusted.
    await writeFile(join(cacheDir, 'merge-base-v1', memo!), JSON.stringify({ format: 1, files: { '../outside': 'x' } }));
    expect(await readBase(dir, cacheDir)).toEqual(fresh);
    await writeFile(join(cacheDir, 'merge-base-v1', memo!), '{"format": 1, "files": {');
    expect(await readBase(dir, cacheDir)).toEqual(fresh);
  });

  it.skipIf(process.getuid?.() !== 0)("never believes a memo another user owns, or one in a folder others may write", async () => {
    const dir = await repositoryWithBase(baseFileText(FILES, '1.2.3'));
    const cacheDir = await tempDir();
    const fresh = await readBase(dir, cacheDir);
    const [memo] = await readdir(join(cacheDir, 'merge-base-v1'));
    const planted = join(cacheDir, 'merge-base-v1', memo!);
    await writeFile(planted, JSON.stringify({ format: 1, toolVersion: 'planted', files: {} }));
    await chown(planted, 4242, 4242);
    expect(await readBase(dir, cacheDir)).toEqual(fresh);
    await chown(planted, 0, 0);
    await chmod(cacheDir, 0o777);
    expect(await readBase(dir, cacheDir)).toEqual(fresh);
    // The control: the same plant, the user's own in the user's own folder, is what is read.
    await chmod(cacheDir, 0o700);
    await writeFile(planted, JSON.stringify({ format: 1, toolVersion: 'planted', files: {} }));
    expect(await readBase(dir, cacheDir)).toEqual({ toolVersion: 'planted', files: new Map() });
  });

  it('refuses a damaged base with a cache as without, and remembers nothing of it', async () => {
    const dir = await repositoryWithBase('format: 1\nfiles:\n  README.md: 3\n');
    const cacheDir = await tempDir();
    await expect(readBase(dir, cacheDir)).rejects.toSatisfy((e: unknown) => isPikselError(e) && e.exitCode === 2 && /is damaged: files\.README\.md/.test(e.message));
    expect(await readdir(cacheDir)).toEqual([]);
  });

  it('what a run remembers of the base it wrote is what parsing that base gives', async () => {
    const files = await renderDefault();
    const text = baseFileText(files, '1.2.3');
    const dir = await repositoryWithBase(text);
    const cacheDir = await tempDir();
    await rememberBase(cacheDir, text, files, '1.2.3');
    expect(await readdir(join(cacheDir, 'merge-base-v1'))).toHaveLength(1);
    expect(await readBase(dir, cacheDir)).toEqual(await readBase(dir));
    // Read, not parsed again: a memo under another name would have made readBase remember a second one.
    expect(await readdir(join(cacheDir, 'merge-base-v1'))).toHaveLength(1);
  });
});

describe("a project's files, read on another thread", () => {
  it('are every file but git internals, staging folders and the merge base, odd names and local secrets included', async () => {
    const dir = await repositoryWithBase(baseFileText(FILES, '1.2.3'));
    for (const [path, text] of [...FILES, ['.git/HEAD', 'ref: refs/heads/main\n'], ['.piksel-staging-x/files/a', 'staged'], ['apps/base/odd name ünï.yaml', 'a: 1\n'], ['.env', 'SECRET=1\n']] as const) {
      await mkdir(join(dir, path, '..'), { recursive: true });
      await writeFile(join(dir, path), text);
    }
    const { files } = await readProjectFiles(dir);
    expect([...files.keys()].sort()).toEqual(['.env', 'README.md', 'apps/base/odd name ünï.yaml', 'clusters/development/apps.yaml']);
    expect(files.get('apps/base/odd name ünï.yaml')).toBe('a: 1\n');
    expect(files.get('README.md')).toBe(FILES.get('README.md'));
    await expect(readProjectFiles(join(dir, 'missing'))).rejects.toThrow();
  });
});

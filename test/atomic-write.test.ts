import { mkdir, readFile, rename, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRepository, recoverInterruptedUpdate, stageUpdate, STAGING_PREFIX, updateRepository, writeTree } from '../src/repository/write.js';
import { escapingLink } from '../src/repository/paths.js';
import { listTree, tempDir } from './support/cli.js';

const tree = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe('atomic writes', () => {
  it('a new repository appears whole, or not at all when the staged check fails', async () => {
    const parent = await tempDir();
    const target = join(parent, 'repo');
    await expect(createRepository(target, tree({ 'a.yaml': 'a\n', 'b/c.yaml': 'c\n' }), async () => {
      throw new Error('validation failed');
    })).rejects.toThrow('validation failed');
    expect(await listTree(parent)).toEqual([]);
    await createRepository(target, tree({ 'a.yaml': 'a\n', 'b/c.yaml': 'c\n' }));
    expect(await listTree(parent)).toEqual(['repo', 'repo/a.yaml', 'repo/b', 'repo/b/c.yaml']);
  });

  it('an update that fails its check leaves the old tree untouched', async () => {
    const target = await tempDir();
    await writeFile(join(target, 'a.yaml'), 'old\n');
    await expect(updateRepository(target, tree({ 'a.yaml': 'new\n' }), [], async () => {
      throw new Error('no');
    })).rejects.toThrow('no');
    expect(await readFile(join(target, 'a.yaml'), 'utf8')).toBe('old\n');
    expect(await listTree(target)).toEqual(['a.yaml']);
  });

  it('an update interrupted after its journal was written is completed by the next run', async () => {
    const target = await tempDir();
    await writeFile(join(target, 'a.yaml'), 'old\n');
    await writeFile(join(target, 'gone.yaml'), 'old\n');
    // What a run killed mid-apply leaves: a staging folder with its sealed record, one file already moved.
    const staging = await stageUpdate(target, tree({ 'a.yaml': 'new\n', 'b/c.yaml': 'c\n' }), ['gone.yaml']);
    await rename(join(staging, 'files', 'a.yaml'), join(target, 'a.yaml'));
    await recoverInterruptedUpdate(target);
    expect(await listTree(target)).toEqual(['a.yaml', 'b', 'b/c.yaml']);
    expect(await readFile(join(target, 'a.yaml'), 'utf8')).toBe('new\n');
  });

  it('a staging folder this tool cannot prove it wrote is left alone and named, old tree kept', async () => {
    const target = await tempDir();
    await writeFile(join(target, 'a.yaml'), 'old\n');
    await mkdir(join(target, `${STAGING_PREFIX}dead`, 'files'), { recursive: true });
    await writeFile(join(target, `${STAGING_PREFIX}dead`, 'files', 'a.yaml'), 'half\n');
    expect(await recoverInterruptedUpdate(target)).toEqual([expect.stringMatching(/^ignored \.piksel-staging-dead: not left by/)]);
    expect(await readFile(join(target, 'a.yaml'), 'utf8')).toBe('old\n');
  });

  it('a scratch tree links the files the repository already holds as they will be, and writes the rest', async () => {
    const repo = await tempDir();
    await mkdir(join(repo, 'apps'));
    await writeFile(join(repo, 'apps/same.yaml'), 'same\n');
    await writeFile(join(repo, 'apps/old.yaml'), 'old\n');
    const scratch = await tempDir();
    const files = tree({ 'apps/same.yaml': 'same\n', 'apps/old.yaml': 'new\n', 'apps/added.yaml': 'added\n' });
    const same = new Set(['apps/same.yaml']);
    await writeTree(scratch, files, (path) => (same.has(path) ? join(repo, path) : undefined));
    expect((await stat(join(scratch, 'apps/same.yaml'))).ino).toBe((await stat(join(repo, 'apps/same.yaml'))).ino);
    expect((await stat(join(scratch, 'apps/old.yaml'))).ino).not.toBe((await stat(join(repo, 'apps/old.yaml'))).ino);
    for (const [path, text] of files) expect(await readFile(join(scratch, path), 'utf8')).toBe(text);
    // A source that cannot be linked (gone, another filesystem): its text is written instead.
    const other = await tempDir();
    await writeTree(other, tree({ 'x.yaml': 'x\n' }), () => join(repo, 'no-such-file'));
    expect(await readFile(join(other, 'x.yaml'), 'utf8')).toBe('x\n');
  });
});

describe('links on the way to a file', () => {
  it('a dangling relative link leading out of the repository is named, read from its own folder', async () => {
    const repo = await tempDir();
    await mkdir(join(repo, 'apps'));
    // From apps/, ../../gone is outside the repository; read from the process's folder it might not be.
    await symlink('../../gone', join(repo, 'apps', 'base'));
    expect(await escapingLink(repo, 'apps/base/x.yaml')).toEqual({ link: 'apps/base', to: join(repo, '..', 'gone') });
  });
});

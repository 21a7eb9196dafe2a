import { execa } from 'execa';
import { cp, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from './support/cli.js';

/**
 * bin/create-piksel-gitops.js keeps the code V8 compiled for the bundle in dist/.compiled/, one
 * file per command. A copy of the package (bin/, dist/cli.cjs, package.json, templates/) in a folder of its
 * own is run here, so the repository's own dist/ is left alone.
 */
async function packageCopy(): Promise<{ run: (...args: string[]) => Promise<{ exitCode?: number; stdout: string }>; compiled: string }> {
  const root = await tempDir('piksel-compiled-');
  await cp(join(REPO_ROOT, 'bin'), join(root, 'bin'), { recursive: true });
  await mkdir(join(root, 'dist'));
  await cp(join(REPO_ROOT, 'dist', 'cli.cjs'), join(root, 'dist', 'cli.cjs'));
  await cp(join(REPO_ROOT, 'package.json'), join(root, 'package.json'));
  await cp(join(REPO_ROOT, 'templates'), join(root, 'templates'), { recursive: true });
  const run = (...args: string[]) => execa('node', [join(root, 'bin', 'create-piksel-gitops.js'), ...args], { reject: false });
  return { run, compiled: join(root, 'dist', '.compiled') };
}

describe('compiled code kept beside the bundle', () => {
  it('is written by the first run of a command, used by the next, and replaced when damaged', async () => {
    const { version } = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    const { run, compiled } = await packageCopy();
    expect((await run('--version')).stdout).toBe(version);
    const [kept, ...others] = await readdir(compiled);
    expect(others).toEqual([]);
    expect(kept).toMatch(/^info-\d+-\d+-\d+-v[\d.]+-\w+\.bin$/);
    const written = await stat(join(compiled, kept!));
    expect(written.size).toBeGreaterThan(10_000);

    await run('--version');
    expect((await stat(join(compiled, kept!))).mtimeMs).toBe(written.mtimeMs); // used as it is

    await writeFile(join(compiled, kept!), 'not code V8 made');
    expect((await run('--version')).stdout).toBe(version);
    expect((await stat(join(compiled, kept!))).size).toBeGreaterThan(10_000); // V8 refused it; written again

    expect((await run('validate', '--help')).exitCode).toBe(0);
    expect((await readdir(compiled)).filter((f) => f !== kept)).toEqual([expect.stringMatching(/^validate-/)]); // a cache per command
  });

  it('is not needed: a folder that cannot be made leaves every run compiling', async () => {
    const { version } = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    const { run, compiled } = await packageCopy();
    await writeFile(compiled, 'a file where the folder would go');
    const result = await run('--version');
    expect([result.exitCode, result.stdout]).toEqual([0, version]);
    await rm(compiled);
  });
});

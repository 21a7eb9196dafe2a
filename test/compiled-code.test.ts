import { execa } from 'execa';
import { chmod, chown, cp, lstat, mkdir, readdir, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from './support/cli.js';

/**
 * bin/create-piksel-gitops.js keeps the code V8 compiled for the bundle in dist/.compiled/, one
 * file per command. A copy of the package (bin/, dist/cli.cjs, package.json, templates/) in a folder of its
 * own is run here, so the repository's own dist/ is left alone.
 */
async function packageCopy(): Promise<{
  run: (args: string[], options?: { umask?: string; env?: Record<string, string> }) => Promise<{ exitCode?: number; stdout: string }>;
  bundle: string;
  compiled: string;
}> {
  const root = await tempDir('piksel-compiled-');
  await cp(join(REPO_ROOT, 'bin'), join(root, 'bin'), { recursive: true });
  await mkdir(join(root, 'dist'));
  await cp(join(REPO_ROOT, 'dist', 'cli.cjs'), join(root, 'dist', 'cli.cjs'));
  await cp(join(REPO_ROOT, 'package.json'), join(root, 'package.json'));
  await cp(join(REPO_ROOT, 'templates'), join(root, 'templates'), { recursive: true });
  const bin = join(root, 'bin', 'create-piksel-gitops.js');
  const run = (args: string[], options: { umask?: string; env?: Record<string, string> } = {}) =>
    options.umask === undefined
      ? execa('node', [bin, ...args], { reject: false, env: options.env })
      : execa('sh', ['-c', `umask ${options.umask} && exec node "$0" "$@"`, bin, ...args], { reject: false, env: options.env });
  return { run, bundle: join(root, 'dist', 'cli.cjs'), compiled: join(root, 'dist', '.compiled') };
}

const version = async () => (JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/**
 * Another program with exactly the bundle's length, in bytes and in characters (V8 compares only
 * the length of the source a cache was made for): run, it writes its marker file.
 */
async function foreignSource(): Promise<string> {
  const real = await readFile(join(REPO_ROOT, 'dist', 'cli.cjs'), 'utf8');
  const wide = [...real].filter((c) => c.charCodeAt(0) > 0x7f).join('');
  const code = `exports.main = async () => { require('node:fs').writeFileSync(process.env.FOREIGN_MARKER, 'foreign code ran'); return 0; };\n`;
  const source = `${code}/*${wide}${' '.repeat(real.length - code.length - wide.length - 4)}*/`;
  expect([source.length, Buffer.byteLength(source)]).toEqual([real.length, Buffer.byteLength(real)]);
  return source;
}

/** The cache the bin keeps for the foreign program's `--version` run, made by the bin itself. */
async function foreignCache(marker: string): Promise<Buffer> {
  const { run, bundle, compiled } = await packageCopy();
  await writeFile(bundle, await foreignSource());
  await run(['--version'], { env: { FOREIGN_MARKER: marker } });
  const [file] = await readdir(compiled);
  return readFile(join(compiled, file!));
}

describe('compiled code kept beside the bundle', () => {
  it('is written by the first run of a command, used by the next, and replaced when damaged', async () => {
    const { run, compiled } = await packageCopy();
    expect((await run(['--version'])).stdout).toBe(await version());
    const [kept, ...others] = await readdir(compiled);
    expect(others).toEqual([]);
    expect(kept).toMatch(/^info-[0-9a-f]{32}-v[\d.]+-\w+\.bin$/);
    const written = await stat(join(compiled, kept!));
    expect(written.size).toBeGreaterThan(10_000);

    await run(['--version']);
    expect((await stat(join(compiled, kept!))).mtimeMs).toBe(written.mtimeMs); // used as it is

    await writeFile(join(compiled, kept!), 'not code V8 made');
    expect((await run(['--version'])).stdout).toBe(await version());
    expect((await stat(join(compiled, kept!))).size).toBeGreaterThan(10_000); // V8 refused it; written again

    expect((await run(['validate', '--help'])).exitCode).toBe(0);
    expect((await readdir(compiled)).filter((f) => f !== kept)).toEqual([expect.stringMatching(/^validate-/)]); // a cache per command
  });

  it('is not needed: a folder that cannot be made leaves every run compiling', async () => {
    const { run, compiled } = await packageCopy();
    await writeFile(compiled, 'a file where the folder would go');
    const result = await run(['--version']);
    expect([result.exitCode, result.stdout]).toEqual([0, await version()]);
    await rm(compiled);
  });

  it('is made 0700 (folder) and 0600 (file), whatever the umask', async () => {
    const { run, compiled } = await packageCopy();
    expect((await run(['--version'], { umask: '000' })).exitCode).toBe(0);
    const [kept] = await readdir(compiled);
    expect([(await lstat(compiled)).mode & 0o777, (await lstat(join(compiled, kept!))).mode & 0o777]).toEqual([0o700, 0o600]);
  });

  it('made for another source of the same length is never used, even when the bundle keeps its size, time and inode', async () => {
    const { run, bundle, compiled } = await packageCopy();
    const real = await readFile(bundle);
    const marker = join(await tempDir('piksel-marker-'), 'ran');
    // The foreign program, written over the bundle in place (same inode), run once: its cache is kept.
    const time = 1_700_000_000; // a whole second: set again exactly below
    await writeFile(bundle, await foreignSource());
    await utimes(bundle, time, time);
    await run(['--version'], { env: { FOREIGN_MARKER: marker } });
    expect(await readFile(marker, 'utf8')).toBe('foreign code ran');
    expect(await readdir(compiled)).toHaveLength(1);
    await rm(marker);
    // The bundle back, in place, with the time the foreign one had.
    const { ino } = await stat(bundle);
    await writeFile(bundle, real);
    await utimes(bundle, time, time);
    expect([(await stat(bundle)).ino, (await stat(bundle)).mtimeMs]).toEqual([ino, time * 1000]);

    const result = await run(['--version'], { env: { FOREIGN_MARKER: marker } });
    expect(result.stdout).toBe(await version());
    await expect(stat(marker)).rejects.toThrow(/ENOENT/);
  });

  describe('planted where the bundle looks for its cache', () => {
    /** A package whose --version cache has been replaced by the foreign program's. */
    async function planted() {
      const marker = join(await tempDir('piksel-marker-'), 'ran');
      const foreign = await foreignCache(marker);
      await rm(marker, { force: true });
      const copy = await packageCopy();
      await copy.run(['--version']);
      const [name] = await readdir(copy.compiled);
      const file = join(copy.compiled, name!);
      await writeFile(file, foreign);
      const runsForeign = async () => {
        const result = await copy.run(['--version'], { env: { FOREIGN_MARKER: marker } });
        const ran = await stat(marker).then(() => true, () => false);
        await rm(marker, { force: true });
        return { ran, stdout: result.stdout };
      };
      return { ...copy, file, foreign, runsForeign };
    }

    it('is used when only its owner could have written it (so the cases below test something)', async () => {
      const { runsForeign } = await planted();
      expect((await runsForeign()).ran).toBe(true);
    });

    it('in a folder others may write is not used', async () => {
      const { compiled, runsForeign } = await planted();
      for (const mode of [0o777, 0o770, 0o702]) {
        await chmod(compiled, mode);
        expect(await runsForeign()).toEqual({ ran: false, stdout: await version() });
      }
    });

    it('in a file others may write is not used', async () => {
      const { file, runsForeign } = await planted();
      await chmod(file, 0o666);
      expect(await runsForeign()).toEqual({ ran: false, stdout: await version() });
    });

    it('behind a symbolic link is not used, nor a folder that is one', async () => {
      const { file, compiled, foreign, runsForeign } = await planted();
      const elsewhere = await tempDir('piksel-elsewhere-');
      await writeFile(join(elsewhere, 'cache.bin'), foreign, { mode: 0o600 });
      await rm(file);
      await symlink(join(elsewhere, 'cache.bin'), file);
      expect(await runsForeign()).toEqual({ ran: false, stdout: await version() });

      await chmod(elsewhere, 0o700);
      await rm(join(elsewhere, 'cache.bin'));
      await cp(compiled, join(elsewhere, 'compiled'), { recursive: true, verbatimSymlinks: true });
      await writeFile(join(elsewhere, 'compiled', file.split('/').at(-1)!), foreign, { mode: 0o600 });
      await rm(compiled, { recursive: true });
      await symlink(join(elsewhere, 'compiled'), compiled);
      expect(await runsForeign()).toEqual({ ran: false, stdout: await version() });
    });

    it.skipIf(process.getuid?.() !== 0)('owned by another user than the bundle\'s and this one is not used', async () => {
      const { file, compiled, runsForeign } = await planted();
      await chown(file, 4242, 4242);
      expect(await runsForeign()).toEqual({ ran: false, stdout: await version() });
      await chown(file, 0, 0);
      await chown(compiled, 4242, 4242);
      expect(await runsForeign()).toEqual({ ran: false, stdout: await version() });
    });
  });
});

import { execa } from 'execa';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = join(REPO_ROOT, 'bin', 'create-piksel-gitops.js');

export interface CliRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built CLI as a user would: a separate process, no TTY, CI set unless overridden. */
export async function runCli(args: readonly string[], options: { cwd?: string; env?: Record<string, string | undefined>; input?: string } = {}): Promise<CliRun> {
  const result = await execa('node', [BIN, ...args], {
    cwd: options.cwd,
    env: { CI: 'true', NO_COLOR: '1', ...options.env },
    input: options.input,
    stdin: options.input === undefined ? 'ignore' : 'pipe',
    reject: false,
    timeout: 60_000,
  });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** Every folder tempDir made in this test file; removed after the file's last test. */
const made: string[] = [];
// Imported while vitest collects a test file (each file has its own module instance): the hook
// belongs to that file's root suite, so each file cleans up what it made.
afterAll(async () => {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A fresh folder under the system temp folder, removed after the test file (afterAll). */
export async function tempDir(prefix = 'piksel-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Every entry under dir (relative paths), for "nothing written" assertions. */
export async function listTree(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { recursive: true })).sort();
  } catch {
    return [];
  }
}

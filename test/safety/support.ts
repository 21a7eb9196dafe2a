import { execa } from 'execa';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseCliArgs } from '../../src/cli/args.js';
import { createCommand, type CreateDeps } from '../../src/commands/create.js';
import { runProcess, type ProcessRunner } from '../../src/process.js';
import type { Reporter } from '../../src/reporter.js';
import { resetSealKey } from '../../src/repository/seal.js';
import { tempDir } from '../support/cli.js';

/** Git identity for the commits tests make themselves. */
export const GIT_ENV = {
  GIT_AUTHOR_NAME: 'test',
  GIT_AUTHOR_EMAIL: 'test@example.org',
  GIT_COMMITTER_NAME: 'test',
  GIT_COMMITTER_EMAIL: 'test@example.org',
};

export const git = (cwd: string, ...args: string[]) => execa('git', args, { cwd, env: GIT_ENV }).then((r) => r.stdout);

/** A reporter that keeps every line, for assertions on what the person was told. */
export function recordingReporter(): Reporter & { lines: string[] } {
  const lines: string[] = [];
  const push = (prefix: string) => (line: string) => void lines.push(`${prefix}${line}`);
  return { lines, info: push(''), detail: push(''), success: push('✔ '), warn: push('⚠ ') };
}

/** Seal keys go to a scratch state folder, never the developer's home. */
export async function isolateStateDir(): Promise<string> {
  const state = await tempDir('piksel-state-');
  await mkdir(state, { recursive: true });
  process.env.XDG_STATE_HOME = state;
  resetSealKey();
  return state;
}

/** Runs `create` in-process, as the CLI would without a terminal. */
export async function create(args: string[], extra: Partial<CreateDeps> & { run?: ProcessRunner } = {}) {
  const reporter = recordingReporter();
  const summary = await createCommand(parseCliArgs(args), { run: runProcess, reporter, ...extra });
  return { summary, lines: reporter.lines };
}

/** A generated, committed repository (no validation: these tests are about the writer). */
export async function generated(args: string[] = []): Promise<string> {
  const dir = join(await tempDir(), 'repo');
  await create([dir, '--yes', ...args]);
  return dir;
}

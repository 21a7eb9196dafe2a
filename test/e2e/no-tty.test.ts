import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, listTree, tempDir } from '../support/cli.js';
import { closeAllTerminals, hasTmux, startTerminal, warnIfNoTmux } from './terminal.js';

/**
 * Issue requirement (e): with no terminal to ask on and no --yes, the CLI exits 2 at once, names
 * the answers it is missing, and writes nothing. It must never wait for input: every run here has
 * a 20 s limit, so a hang fails the test instead of passing late.
 */
const HANG_MS = 20_000;
const REQUIRED = ['repository.owner', 'clusters.0.domain', 'certManager.email', 'database.host'];

/** process.env without CI (vitest, and CI services, set it): each case sets CI itself. */
function envWith(ci: string | undefined): Record<string, string> {
  const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && e[0] !== 'CI'));
  return { ...env, NO_COLOR: '1', ...(ci === undefined ? {} : { CI: ci }) };
}

/** The built CLI, stdout and stderr pipes (not TTYs), stdin as given, killed after HANG_MS. */
async function run(args: string[], opts: { cwd: string; ci: string | undefined; stdin: 'ignore' | 'empty' | 'open-pipe' }) {
  const result = await execa(process.execPath, [BIN, ...args], {
    cwd: opts.cwd,
    env: envWith(opts.ci),
    extendEnv: false,
    // 'open-pipe': a pipe nobody writes to or closes, as under a CI runner or `cmd | create-…`.
    ...(opts.stdin === 'ignore' ? { stdin: 'ignore' as const } : opts.stdin === 'empty' ? { input: '' } : { stdin: 'pipe' as const }),
    reject: false,
    timeout: HANG_MS,
  });
  return { exitCode: result.exitCode, timedOut: result.timedOut, stdout: String(result.stdout), stderr: String(result.stderr) };
}

describe('no TTY and no --yes: exit 2 naming the missing answers, nothing written', { timeout: 60_000 }, () => {
  const cases = [
    { label: 'CI unset, stdin /dev/null', ci: undefined, stdin: 'ignore' },
    { label: 'CI=true, stdin /dev/null', ci: 'true', stdin: 'ignore' },
    { label: 'CI unset, stdin an empty pipe', ci: undefined, stdin: 'empty' },
    { label: 'CI unset, stdin a pipe left open', ci: undefined, stdin: 'open-pipe' },
    { label: 'CI=true, stdin a pipe left open', ci: 'true', stdin: 'open-pipe' },
  ] as const;

  it.each(cases.map((c) => [c.label, c] as const))('%s', async (_, { ci, stdin }) => {
    const cwd = await tempDir();
    const result = await run(['new-repo'], { cwd, ci, stdin });
    expect(result.timedOut, 'waited for input instead of exiting').toBe(false);
    expect(result.exitCode, result.stderr).toBe(2);
    for (const answer of REQUIRED) expect(result.stderr).toContain(answer);
    expect(existsSync(join(cwd, 'new-repo'))).toBe(false);
    expect(await listTree(cwd)).toEqual([]);
  });

  it('names only the answers still missing', async () => {
    const cwd = await tempDir();
    const result = await run(['new-repo', '--set', 'repository.owner=acme', '--set', 'database.host=db.acme.test'], {
      cwd,
      ci: undefined,
      stdin: 'ignore',
    });
    expect(result.timedOut).toBe(false);
    expect(result.exitCode, result.stderr).toBe(2);
    expect(result.stderr).toContain('clusters.0.domain');
    expect(result.stderr).toContain('certManager.email');
    expect(result.stderr).not.toContain('repository.owner');
    expect(result.stderr).not.toContain('database.host');
    expect(await listTree(cwd)).toEqual([]);
  });

  it('with --yes the same run succeeds (the exit 2 is about the missing answers)', async () => {
    const cwd = await tempDir();
    const result = await run(['new-repo', '--yes', '--no-git', '--dry-run'], { cwd, ci: undefined, stdin: 'ignore' });
    expect(result.timedOut).toBe(false);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(await listTree(cwd)).toEqual([]); // --dry-run
  });
});

warnIfNoTmux('the no-TTY tests that run inside a terminal');

describe.skipIf(!hasTmux)('in a terminal, but not all of it a TTY: still exit 2, never waits for input', { timeout: 60_000 }, () => {
  afterEach(closeAllTerminals);

  it('stdout is a TTY, stdin is /dev/null (`create-piksel-gitops dir < /dev/null`)', async () => {
    const cwd = await tempDir();
    const term = await startTerminal(['new-repo'], { cwd, stdin: '/dev/null' });
    expect(await term.exitCode(HANG_MS)).toBe(2);
    const screen = await term.screen();
    for (const answer of REQUIRED) expect(screen).toContain(answer);
    expect(await listTree(cwd)).toEqual([]);
  });

  it('stdin and stdout are TTYs but CI is set: no questions, exit 2', async () => {
    const cwd = await tempDir();
    const term = await startTerminal(['new-repo'], { cwd, env: { CI: 'true' } });
    expect(await term.exitCode(HANG_MS)).toBe(2);
    const screen = await term.screen();
    for (const answer of REQUIRED) expect(screen).toContain(answer);
    expect(await listTree(cwd)).toEqual([]);
  });

  it('stdin is a TTY, stdout goes to a file: no questions, exit 2', async () => {
    const cwd = await tempDir();
    const out = join(await tempDir(), 'stdout.txt');
    const term = await startTerminal(['new-repo'], { cwd, stdout: out });
    expect(await term.exitCode(HANG_MS)).toBe(2);
    const screen = await term.screen(); // stderr is still the terminal
    for (const answer of REQUIRED) expect(screen).toContain(answer);
    expect(await listTree(cwd)).toEqual([]);
  });
});

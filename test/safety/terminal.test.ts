import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { runCli, tempDir } from '../support/cli.js';
import { closeAllTerminals, hasTmux, startTerminal, warnIfNoTmux, type Terminal } from '../e2e/terminal.js';

// Safety at a real terminal (tmux): what a person's keys do while the tool works.
warnIfNoTmux('the terminal safety tests');

const REQUIRED = ['--set', 'repository.owner=acme', '--set', 'clusters.0.domain=dev.acme.org', '--set', 'certManager.email=ops@acme.org', '--set', 'database.host=db.internal'];

/** A PATH whose kubectl sleeps: the pre-write validation (kubectl kustomize) lasts until Ctrl-C. */
async function slowKubectlEnv(): Promise<Record<string, string>> {
  const bin = await tempDir('piksel-slow-kubectl-');
  await writeFile(join(bin, 'kubectl'), '#!/bin/sh\nexec sleep 60\n');
  await chmod(join(bin, 'kubectl'), 0o755);
  const cache = join(bin, 'cache');
  await mkdir(cache);
  return { PATH: `${bin}:${process.env.PATH}`, XDG_CACHE_HOME: cache };
}

/** Enter on every question (its default) until `until` is the active prompt. */
async function enterUntil(term: Terminal, until: RegExp): Promise<void> {
  for (let i = 0; i < 80; i++) {
    const screen = await term.waitForStable(300, 30_000);
    if (until.test(screen.split('\n').slice(-4).join('\n'))) return;
    await term.send('Enter');
  }
  throw new Error(`never reached ${until}:\n${await term.screen()}`);
}

describe.skipIf(!hasTmux)('Ctrl-C at a terminal', { timeout: 120_000 }, () => {
  afterEach(closeAllTerminals);

  it('during the "Writing" spinner of a new repository: "Cancelled", exit 130, no folder and no staging left', async () => {
    const cwd = await tempDir();
    const term = await startTerminal(['repo', ...REQUIRED, '--no-bootstrap'], { cwd, rows: 50, env: await slowKubectlEnv() });
    await enterUntil(term, /◆ {2}Write it\?/);
    await term.send('Enter');
    await term.waitFor(/Writing \d+ files to repo/);
    await new Promise((r) => setTimeout(r, 500)); // inside the validation (the stand-in kubectl sleeps)
    await term.send('C-c');
    expect(await term.exitCode(20_000)).toBe(130);
    expect(await term.screen()).toMatch(/Cancelled\s*$/);
    expect(await readdir(cwd)).toEqual([]);
  });
});

/** A generated, committed repository in a fresh folder: { cwd, dir, head }. */
async function generated(): Promise<{ cwd: string; dir: string; head: () => Promise<string> }> {
  const cwd = await tempDir();
  expect((await runCli(['repo', '--yes'], { cwd })).exitCode).toBe(0);
  const dir = join(cwd, 'repo');
  const head = async () => (await execa('git', ['log', '--format=%H %s', '-1'], { cwd: dir })).stdout;
  return { cwd, dir, head };
}

describe.skipIf(!hasTmux)('a re-run (upgrade) at a terminal', { timeout: 120_000 }, () => {
  afterEach(closeAllTerminals);

  it('shows the plan, asks, shows a spinner while validating and writing, and ends with an outro', async () => {
    const { cwd, head } = await generated();
    const before = await head();
    const term = await startTerminal(['repo', '--set', 'slack.channel=ops'], { cwd, rows: 60 });
    const asked = await term.waitFor(/◆ {2}Apply it\?/);
    expect(asked).toContain('Upgrade plan');
    expect(asked).toMatch(/U .*notifications\.yaml {2}updated/);
    expect(await head()).toBe(before); // nothing written while it asks
    await term.send('Enter');
    expect(await term.exitCode(30_000)).toBe(0);
    const screen = await term.screen();
    expect(screen).toMatch(/◇ {2}Applied and committed/);
    expect(screen).toMatch(/└ {2}Done/);
    expect(await head()).toMatch(/ Apply changed answers with create-piksel-gitops/);
  });

  it('answering No writes nothing (exit 130)', async () => {
    const { cwd, dir, head } = await generated();
    const before = await head();
    const term = await startTerminal(['repo', '--set', 'slack.channel=ops'], { cwd, rows: 60 });
    await term.waitFor(/◆ {2}Apply it\?/);
    await term.send('Right', 'Enter');
    expect(await term.exitCode()).toBe(130);
    expect(await head()).toBe(before);
    expect((await execa('git', ['status', '--porcelain', '--ignored'], { cwd: dir })).stdout).toBe('');
  });

  it('Ctrl-C while validating: "Cancelled", exit 130, the repository unchanged and no staging left', async () => {
    const { cwd, dir, head } = await generated();
    const before = await head();
    const term = await startTerminal(['repo', '--set', 'slack.channel=ops'], { cwd, rows: 60, env: await slowKubectlEnv() });
    await term.waitFor(/◆ {2}Apply it\?/);
    await term.send('Enter');
    await term.waitFor(/Validating and writing/);
    await new Promise((r) => setTimeout(r, 500));
    await term.send('C-c');
    expect(await term.exitCode(20_000)).toBe(130);
    expect(await term.screen()).toMatch(/Cancelled\s*$/);
    expect(await head()).toBe(before);
    expect((await execa('git', ['status', '--porcelain'], { cwd: dir })).stdout).toBe('');
    expect((await readdir(dir)).filter((e) => e.startsWith('.piksel-staging'))).toEqual([]);
  });
});

describe.skipIf(!hasTmux)('no folder named, at a terminal', { timeout: 120_000 }, () => {
  afterEach(closeAllTerminals);

  it('asks for the new repository\'s folder (default piksel-gitops) and writes there', async () => {
    const cwd = await tempDir();
    const term = await startTerminal([...REQUIRED, '--no-bootstrap'], { cwd, rows: 50 });
    const screen = await term.waitFor(/◆ {2}Folder for the new repository/);
    expect(screen).toContain('piksel-gitops');
    await term.send(...Array.from({ length: 20 }, () => 'BSpace'), 'geo-repo', 'Enter');
    await enterUntil(term, /◆ {2}Write it\?/);
    await term.send('Enter');
    expect(await term.exitCode(30_000)).toBe(0);
    expect(await readdir(cwd)).toEqual(['geo-repo']);
    expect(await readdir(join(cwd, 'geo-repo'))).toContain('piksel-answers.yaml');
  });
});

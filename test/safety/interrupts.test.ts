import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { execa } from 'execa';
import { cp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runProcess, type ProcessRunner } from '../../src/process.js';
import { commitAll } from '../../src/repository/git.js';
import { openStaging, stageUpdate, STAGING_PREFIX } from '../../src/repository/write.js';
import { BIN, runCli, tempDir } from '../support/cli.js';
import { create, generated, git, isolateStateDir } from './support.js';

beforeAll(isolateStateDir);
afterEach(() => void vi.restoreAllMocks());

const stagingFolders = async (dir: string) => (await readdir(dir)).filter((e) => e.startsWith(STAGING_PREFIX));

describe('interrupted runs', () => {
  it('Ctrl-C while an upgrade applies: it ends applied and committed, no record left, then the signal is re-raised', async () => {
    const dir = await generated();
    const realKill = process.kill.bind(process);
    const raised: { signal: string; head: string; staging: string[]; status: string }[] = [];
    vi.spyOn(process, 'kill').mockImplementation(((pid: number, signal?: string | number) => {
      if (signal !== 'SIGINT') return realKill(pid, signal);
      // Synchronous look at the repository at the moment the process would die.
      const head = execFileSync('git', ['log', '-1', '--format=%s'], { cwd: dir }).toString().trim();
      const status = execFileSync('git', ['status', '--porcelain'], { cwd: dir }).toString().trim();
      raised.push({ signal, head, status, staging: readdirSync(dir).filter((e) => e.startsWith(STAGING_PREFIX)) });
      return true;
    }) as typeof process.kill);
    let interrupted = false;
    // The person presses Ctrl-C while the upgrade's files are being committed.
    const run: ProcessRunner = (command, args, options) => {
      if (!interrupted && command === 'git' && args[0] === 'add') {
        interrupted = true;
        for (const listener of process.listeners('SIGINT')) (listener as (s: string) => void)('SIGINT');
      }
      return runProcess(command, args, options);
    };
    await create([dir, '--yes', '--set', 'gpu.enabled=false'], { run });
    expect(interrupted).toBe(true);
    expect(raised).toEqual([{ signal: 'SIGINT', head: expect.stringMatching(/create-piksel-gitops/), status: '', staging: [] }]);
  });

  it('killed after the record was sealed: the next run finishes and commits the update before planning, and says so', async () => {
    const dir = await generated();
    const staging = await stageUpdate(dir, new Map([['README.md', '# new\n'], ['notes/new.md', 'n\n']]), ['.sourceignore'].filter((p) => existsSync(join(dir, p))), {
      branch: 'main',
      message: 'Upgrade piksel-gitops (interrupted)',
    });
    await rename(join(staging, 'files', 'README.md'), join(dir, 'README.md')); // one file had moved
    const { lines } = await create([dir, '--yes']);
    expect(lines[0]).toMatch(/^⚠ finished an update an earlier run was interrupted in \(2 written, \d deleted\), committed: Upgrade piksel-gitops \(interrupted\)/);
    expect(await readFile(join(dir, 'README.md'), 'utf8')).toBe('# new\n');
    expect(await readFile(join(dir, 'notes/new.md'), 'utf8')).toBe('n\n');
    expect(await git(dir, 'log', '--format=%s')).toMatch(/^Upgrade piksel-gitops \(interrupted\)\nGenerate/);
    expect(await git(dir, 'status', '--porcelain')).toBe('');
    expect(await stagingFolders(dir)).toEqual([]);
  });

  it('killed after git had staged the deletion: the next run commits it too, leaving nothing staged', async () => {
    const dir = await generated();
    const gone = 'infrastructure/controllers/kustomization.yaml';
    await stageUpdate(dir, new Map([['README.md', '# new\n']]), [gone], { branch: 'main', message: 'Upgrade piksel-gitops (interrupted)' });
    await git(dir, 'rm', '-q', gone); // the killed run's `git add --all` had already recorded the deletion
    const { lines } = await create([dir, '--yes']); // refused as dirty if the deletion stayed staged
    expect(lines[0]).toMatch(/^⚠ finished an update an earlier run was interrupted in \(1 written, 1 deleted\), committed/);
    expect(await git(dir, 'log', '--name-status', '--format=%s', '--grep', 'interrupted')).toContain(`D\t${gone}`);
    expect(await git(dir, 'status', '--porcelain')).toBe('');
  });

  it('a git a killed run left still holds the index: the commit waits for it instead of failing', async () => {
    const dir = await tempDir();
    await execa('git', ['init', '-q', '-b', 'main'], { cwd: dir });
    await writeFile(join(dir, 'README.md'), '# piksel\n');
    await writeFile(join(dir, '.git', 'index.lock'), '');
    setTimeout(() => void rm(join(dir, '.git', 'index.lock')), 300); // the orphaned git finishing
    const outcome = await commitAll(runProcess, dir, 'main', 'Generate piksel-gitops', ['README.md']);
    expect(outcome.committed).toBe(true);
    expect(await git(dir, 'log', '--format=%s')).toBe('Generate piksel-gitops');
  });

  it('killed while staging an upgrade: the next run removes the leftover, says so, and the old tree stays', async () => {
    const dir = await generated();
    const before = await git(dir, 'rev-parse', 'HEAD');
    await openStaging(join(dir, `${STAGING_PREFIX}dead`));
    const { lines } = await create([dir, '--yes']);
    expect(lines[0]).toBe(`⚠ removed ${STAGING_PREFIX}dead, left by a run that stopped before changing anything`);
    expect(await stagingFolders(dir)).toEqual([]);
    expect(await git(dir, 'rev-parse', 'HEAD')).toBe(before);
  });

  it('killed while creating: the staging folder beside the target is removed by the next create, which says so', async () => {
    const parent = await tempDir();
    const target = join(parent, 'repo');
    await openStaging(join(parent, `${STAGING_PREFIX}repo-dead`));
    const { lines } = await create([target, '--yes', '--no-git']);
    expect(lines[0]).toMatch(/^⚠ removed \.piksel-staging-repo-dead, left beside repo by a create that was interrupted/);
    expect(await readdir(dirname(target))).toEqual(['repo']);
  });
});

describe('kill -9 at any moment of a real upgrade', () => {
  it('the next run leaves the old state or the new one, committed once, with no staging folder', async () => {
    const origin = join(await tempDir(), 'repo');
    expect((await runCli([origin, '--yes'])).exitCode).toBe(0);
    const upgrade = ['--yes', '--set', 'gpu.enabled=false'];
    for (const delayMs of [150, 400, 650, 900]) {
      const dir = join(await tempDir(), 'repo');
      await cp(origin, dir, { recursive: true });
      const child = execa('node', [BIN, dir, ...upgrade], { env: { CI: 'true', NO_COLOR: '1', XDG_STATE_HOME: process.env.XDG_STATE_HOME }, reject: false });
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      child.kill('SIGKILL');
      await child;
      const next = await runCli([dir, ...upgrade], { env: { XDG_STATE_HOME: process.env.XDG_STATE_HOME } });
      expect(next.exitCode, `killed after ${delayMs}ms: ${next.stderr}`).toBe(0);
      expect(await stagingFolders(dir), `killed after ${delayMs}ms`).toEqual([]);
      expect(await git(dir, 'status', '--porcelain'), `killed after ${delayMs}ms`).toBe('');
      expect(await git(dir, 'log', '--format=%s'), `killed after ${delayMs}ms`).toMatch(/^Apply changed answers with create-piksel-gitops [^\n]+\nGenerate repo with [^\n]+$/);
    }
  });
});

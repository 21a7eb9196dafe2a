import { execa } from 'execa';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BIN, listTree, runCli, tempDir } from './support/cli.js';
import { render } from './support/render.js';

describe('create with --yes', () => {
  it('writes and validates a 12-cluster fleet within 128 open files (macOS allows 256 by default)', async () => {
    const parent = await tempDir();
    const answers = join(parent, 'answers.yaml');
    await writeFile(answers, `clusters:\n${Array.from({ length: 12 }, (_, i) => `  - name: c${i + 1}\n`).join('')}`);
    const run = await execa('sh', ['-c', 'ulimit -n 128 && exec node "$@"', 'sh', BIN, join(parent, 'repo'), '--answers', answers, '--yes', '--no-git'], {
      env: { CI: 'true', NO_COLOR: '1' },
      reject: false,
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(await listTree(join(parent, 'repo'))).toContain('clusters/c12/README.md');
  }, 60_000);

  it('writes the full platform, stores the answers and makes the first commit', async () => {
    const parent = await tempDir();
    const dir = join(parent, 'piksel-gitops');
    const run = await runCli([dir, '--yes', '--json']);
    expect(run.exitCode, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as { files: string[]; components: string[]; committed: boolean };
    expect(summary.committed).toBe(true);
    expect(summary.components).toContain('nvidia-device-plugin');
    const expected = (await render({})).files;
    const tree = (await listTree(dir)).filter((p) => !p.startsWith('.git/') && p !== '.git');
    for (const path of expected.keys()) expect(tree).toContain(path);
    const stored = parse(await readFile(join(dir, 'piksel-answers.yaml'), 'utf8')) as { slack: Record<string, unknown> };
    expect(stored.slack).toEqual({ enabled: true, channel: 'piksel-alerts', severity: 'info', secretName: 'slack-webhook' });
    const log = await execa('git', ['log', '--format=%s', 'main'], { cwd: dir });
    expect(log.stdout).toMatch(/^Generate piksel-gitops with create-piksel-gitops/);
    const status = await execa('git', ['status', '--porcelain'], { cwd: dir });
    expect(status.stdout).toBe('');
    // No staging folder is left beside the target.
    expect(await listTree(parent)).toEqual(expect.not.arrayContaining([expect.stringMatching(/piksel-staging/)]));
  });

  it('--cluster names the first cluster of a new repository (no extra development cluster)', async () => {
    const parent = await tempDir();
    const run = await runCli([join(parent, 'repo'), '--yes', '--cluster', 'prod', '--dry-run', '--json']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).clusters).toEqual(['prod']);
  });

  it('names the answers that are still placeholders; with --bootstrap it refuses them before writing anything', async () => {
    const parent = await tempDir();
    const look = await runCli([join(parent, 'look'), '--yes', '--dry-run']);
    expect(look.exitCode, look.stderr).toBe(0);
    expect(look.stderr).toMatch(/placeholders in the answers .*certManager\.email \(platform@example\.org\).*clusters\.0\.domain \(dev\.piksel\.example\.org\)/);
    const real = await runCli([join(parent, 'real'), '--yes', '--dry-run', '--set', 'certManager.email=ops@piksel.id', '--set', 'clusters.0.domain=dev.piksel.id', '--set', 'database.host=db.piksel.id']);
    expect(real.exitCode, real.stderr).toBe(0);
    expect(real.stderr).not.toMatch(/placeholders/);
    const refused = await runCli([join(parent, 'repo'), '--yes', '--bootstrap']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/placeholders? cluster development cannot run with: certManager\.email 'platform@example\.org'/);
    expect(await listTree(parent)).toEqual([]);
  });

  it('--dry-run lists the files and writes nothing', async () => {
    const parent = await tempDir();
    const run = await runCli([join(parent, 'repo'), '--yes', '--dry-run']);
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toMatch(/would write \d+ files/);
    expect(run.stderr).toContain('clusters/development/infrastructure.yaml');
    expect(await listTree(parent)).toEqual([]);
  });

  it('--no-git writes files without a repository', async () => {
    const parent = await tempDir();
    const dir = join(parent, 'repo');
    const run = await runCli([dir, '--yes', '--no-git']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(await listTree(dir)).not.toContain('.git');
  });

  it('refuses a non-empty folder it did not generate, unless --force', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'notes.txt'), 'mine\n');
    const refused = await runCli([dir, '--yes']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/not empty .* --force/);
    expect(await listTree(dir)).toEqual(['notes.txt']);
    const forced = await runCli([dir, '--yes', '--force', '--no-git']);
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(await readFile(join(dir, 'notes.txt'), 'utf8')).toBe('mine\n');
    expect(await listTree(dir)).toContain('clusters/development/apps.yaml');
  });

  it('treats a folder holding only a fresh `git init` as empty', async () => {
    const dir = await tempDir();
    await execa('git', ['init', '-q', '-b', 'main'], { cwd: dir });
    const run = await runCli([dir, '--yes']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect((await execa('git', ['log', '--oneline'], { cwd: dir })).stdout.split('\n')).toHaveLength(1);
  });

  it('--help and --version answer without writing', async () => {
    const cwd = await tempDir();
    const help = await runCli(['--help'], { cwd });
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toMatch(/--answers FILE/);
    const version = await runCli(['--version'], { cwd });
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(await listTree(cwd)).toEqual([]);
  });

  it('an answers file and --set combine, --set winning', async () => {
    const parent = await tempDir();
    const file = join(parent, 'answers.json');
    await writeFile(file, JSON.stringify({ slack: { channel: 'from-file', severity: 'error' }, gpu: { enabled: false } }));
    await mkdir(join(parent, 'out'));
    const run = await runCli([join(parent, 'out', 'repo'), '--answers', file, '--set', 'slack.channel=from-set', '--yes', '--no-git']);
    expect(run.exitCode, run.stderr).toBe(0);
    const stored = parse(await readFile(join(parent, 'out', 'repo', 'piksel-answers.yaml'), 'utf8')) as { slack: { channel: string; severity: string } };
    expect(stored.slack).toMatchObject({ channel: 'from-set', severity: 'error' });
    expect(await listTree(join(parent, 'out', 'repo'))).not.toContain('infrastructure/controllers/nvidia-device-plugin.yaml');
  });
});

describe('one plan for create and upgrade', () => {
  it('a new repository is planned as an upgrade from nothing: --dry-run --json carries the plan, every file new', async () => {
    const parent = await tempDir();
    const run = await runCli([join(parent, 'repo'), '--yes', '--dry-run', '--json']);
    expect(run.exitCode, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as { files: string[]; plan: { files: { path: string; outcome: string }[] } };
    expect(new Set(summary.plan.files.map((f) => f.outcome))).toEqual(new Set(['new']));
    expect(summary.plan.files.map((f) => f.path)).toEqual(expect.arrayContaining(summary.files));
    expect(run.stderr).toMatch(/^ {2}A clusters\/development\/apps\.yaml {2}new$/m);
    expect(await listTree(parent)).toEqual([]);
  });
});

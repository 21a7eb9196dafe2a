import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../support/cli.js';
import { installFakes } from './fakes.js';
import { DEPLOYABLE, git, GITHUB_URL, head, remoteFiles, scenario } from './setup.js';

/** The same flows through the built binary: argv parsing, exit codes and --json as a user gets them. */
describe('bootstrap through the CLI', { timeout: 90_000 }, () => {
  it('`bootstrap DIR --yes --json` pushes, bootstraps and prints the summary; the token stays out of the output', async () => {
    const s = await scenario({ remote: 'empty' });
    const run = await runCli(['bootstrap', s.dir, '--yes', '--json'], { env: s.env() });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ mode: 'bootstrap', cluster: 'development', path: 'clusters/development', slackSecret: 'applied' });
    expect(`${run.stdout}${run.stderr}`).not.toContain(s.token);
    expect(`${run.stdout}${run.stderr}`).not.toContain(s.webhook);
    expect(await head(s.dir)).toBe(await git(s.bare, 'rev-parse', 'main'));
  });

  it('`create DIR --yes --bootstrap` generates, commits and bootstraps in one run', async () => {
    const fakes = await installFakes();
    const bare = join(await tempDir('piksel-remote-'), 'remote.git');
    const dir = join(await tempDir('piksel-create-'), 'piksel-gitops');
    const env = fakes.env({
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: `url.file://${bare}.insteadOf`,
      GIT_CONFIG_VALUE_0: GITHUB_URL,
      FAKE_REMOTE: bare,
      GITHUB_TOKEN: 'ghp_thisisnotarealtokenbutlookslikeone0',
    });
    const run = await runCli([dir, '--yes', '--bootstrap', '--json', ...DEPLOYABLE.flatMap((s) => ['--set', s])], { env });
    expect(run.exitCode, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary.mode).toBe('create');
    expect(summary.bootstrap).toMatchObject({ cluster: 'development', pushedAfterBootstrap: true, slackSecret: 'not-given' });
    expect(run.stderr).toMatch(/kubectl create secret generic slack-webhook|SLACK_WEBHOOK_URL/);
    const remote = await remoteFiles(bare);
    expect(remote).toContain('clusters/development/apps.yaml');
    expect(remote).toContain('clusters/development/flux-system/gotk-sync.yaml');
    const calls = await fakes.calls();
    expect(calls.some((call) => call.tool === 'flux' && call.args.includes('--path=clusters/development'))).toBe(true);
  });

  it('`create --bootstrap --no-git` is a usage error before anything is written (exit 2)', async () => {
    const dir = join(await tempDir('piksel-create-'), 'piksel-gitops');
    const run = await runCli([dir, '--yes', '--bootstrap', '--no-git']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/--no-git/);
    expect(existsSync(dir)).toBe(false);
  });
});

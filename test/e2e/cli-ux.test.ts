import { execa } from 'execa';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../support/cli.js';

// What the built CLI says outside a terminal: help, next steps, commits, bootstrap's checks.
const REAL = ['--set', 'repository.owner=acme', '--set', 'clusters.0.domain=dev.acme.org', '--set', 'certManager.email=ops@acme.org', '--set', 'database.host=db.internal'];

/** No git identity anywhere (a fresh machine): HOME and the global config point at nothing. */
const noIdentity = async () => ({ HOME: await tempDir(), GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', XDG_CONFIG_HOME: '/nonexistent' });

describe('help', () => {
  it.each([
    [['validate', '--help'], /^create-piksel-gitops validate: /],
    [['bootstrap', '--help'], /^create-piksel-gitops bootstrap: /],
    [['secrets', '--help'], /^create-piksel-gitops secrets: /],
    [['help', 'validate'], /^create-piksel-gitops validate: /],
    [['help', 'bootstrap'], /^create-piksel-gitops bootstrap: /],
    [['help'], /^create-piksel-gitops: a Flux CD GitOps repository/],
    [['help', 'create'], /^create-piksel-gitops: a Flux CD GitOps repository/],
  ])('%j prints its own help, exit 0, writes nothing', async (args, first) => {
    const cwd = await tempDir();
    const result = await runCli(args, { cwd });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(first);
    expect(await execa('ls', ['-A', cwd]).then((r) => r.stdout)).toBe('');
  });

  it('`help nonsense` is one line, exit 2', async () => {
    const result = await runCli(['help', 'nonsense'], { cwd: await tempDir() });
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual(["✖ no help for 'nonsense': commands are create, validate, bootstrap, secrets, status (see --help)"]);
  });
});

describe('create --yes', { timeout: 60_000 }, () => {
  it('ends with the next steps, plainly, with the token read without echo', async () => {
    const cwd = await tempDir();
    const result = await runCli(['repo', '--yes'], { cwd });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toMatch(/Next steps:\n {2}cd repo\n[\s\S]*read -rs GITHUB_TOKEN && export GITHUB_TOKEN\n[│ ]*read -rs PIKSEL_DB_ADMIN_USERNAME && export PIKSEL_DB_ADMIN_USERNAME\n[│ ]*read -rs PIKSEL_DB_ADMIN_PASSWORD && export PIKSEL_DB_ADMIN_PASSWORD\n[│ ]*read -rs SLACK_WEBHOOK_URL && export SLACK_WEBHOOK_URL/);
    expect(result.stderr).not.toMatch(/[│◇└]/);
    expect(result.stderr).not.toContain('export GITHUB_TOKEN=');
  });

  it('without a git identity: commits, and warns naming git config --global user.name/user.email; the message names the repository', async () => {
    const cwd = await tempDir();
    const result = await runCli(['repo', '--yes', '--set', 'repository.name=geo-ops'], { cwd, env: await noIdentity() });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toMatch(/⚠ git has no user name\/e-mail .*git config --global user\.name .*git config --global user\.email/);
    const log = await execa('git', ['log', '--format=%s'], { cwd: join(cwd, 'repo') });
    expect(log.stdout).toMatch(/^Generate geo-ops with create-piksel-gitops /);
  });

  it('with a git identity: no warning', async () => {
    const cwd = await tempDir();
    const env = { ...(await noIdentity()), GIT_AUTHOR_NAME: 'A', GIT_AUTHOR_EMAIL: 'a@x.org', GIT_COMMITTER_NAME: 'A', GIT_COMMITTER_EMAIL: 'a@x.org', GIT_CONFIG_COUNT: '2', GIT_CONFIG_KEY_0: 'user.name', GIT_CONFIG_VALUE_0: 'A', GIT_CONFIG_KEY_1: 'user.email', GIT_CONFIG_VALUE_1: 'a@x.org' };
    const result = await runCli(['repo', '--yes'], { cwd, env });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).not.toContain('git has no user name');
  });

  it('generated READMEs and CI: one namespace line each, the safe token form, publish-before-use, no pip', async () => {
    const cwd = await tempDir();
    expect((await runCli(['repo', '--yes'], { cwd })).exitCode).toBe(0);
    const dir = join(cwd, 'repo');
    const cluster = await readFile(join(dir, 'clusters/development/README.md'), 'utf8');
    const namespaces = [...cluster.matchAll(/^kubectl create namespace (\S+)/gm)].map((m) => m[1]);
    expect(namespaces.length).toBeGreaterThan(0);
    expect(new Set(namespaces).size).toBe(namespaces.length);
    expect(cluster).not.toMatch(/# type: \S+=… \S+=…/);
    expect(cluster).not.toMatch(/export [A-Z_]+=/);
    const readme = await readFile(join(dir, 'README.md'), 'utf8');
    expect(readme).toMatch(/must be published to npm before\s+the first push/);
    const ci = await readFile(join(dir, '.github/workflows/validate.yaml'), 'utf8');
    expect(ci).not.toMatch(/pip install/);
    expect(ci).toContain('pipx install yamllint');
    expect(ci).toMatch(/not published on npm: publish it before first use/);
  });
});

describe('bootstrap checks', { timeout: 60_000 }, () => {
  const bare = async () => ({ ...(await noIdentity()), KUBECONFIG: '/nonexistent/kubeconfig', PATH: '/usr/bin:/bin', GITHUB_TOKEN: undefined });

  it('preflight lists every failure at once (flux missing, token unset, no kube context), exit 1', async () => {
    const cwd = await tempDir();
    expect((await runCli(['repo', '--yes', ...REAL], { cwd })).exitCode).toBe(0);
    const env = await bare();
    const result = await runCli(['bootstrap', 'repo', '--yes'], { cwd, env: { ...env, PATH: await pathWithout('flux') } });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/✖ bootstrap cannot start: 3 checks failed/);
    expect(result.stderr).toMatch(/- flux was not found on PATH/);
    expect(result.stderr).toMatch(/- GITHUB_TOKEN is not set/);
    expect(result.stderr).toMatch(/- kubectl has no current context/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('--dry-run says flux is missing and no kube context is set, and whether a commit is made', async () => {
    const cwd = await tempDir();
    expect((await runCli(['repo', '--yes', ...REAL], { cwd })).exitCode).toBe(0);
    const result = await runCli(['bootstrap', 'repo', '--dry-run'], { cwd, env: { ...(await bare()), PATH: await pathWithout('flux') } });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toMatch(/⚠ flux was not found on PATH/);
    expect(result.stderr).toMatch(/⚠ kubectl has no current context/);
    expect(result.stderr).toContain('the folder is committed already: no commit is made before pushing');
    expect(result.stderr).not.toMatch(/git commit/);
  });
});

/** A PATH with node, git and kubectl but not `name`. */
async function pathWithout(name: string): Promise<string> {
  const bin = await tempDir('piksel-path-');
  for (const tool of ['git', 'kubectl', 'node']) {
    const found = (await execa('sh', ['-c', `command -v ${tool}`], { reject: false })).stdout.trim();
    if (found && tool !== name) await execa('ln', ['-s', found, join(bin, tool)]);
  }
  return bin;
}

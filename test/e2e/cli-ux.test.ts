import { execa } from 'execa';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAnswers } from '../../src/answers/load.js';
import { planBootstrap } from '../../src/bootstrap/run.js';
import { CATALOG } from '../../src/catalog/index.js';
import { helpFor } from '../../src/cli/args.js';
import { runCli, tempDir } from '../support/cli.js';
import { render } from '../support/render.js';

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

  it('generated READMEs and CI: one namespace line each, the safe token form, CI names the unpublished version, no pip', async () => {
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
    expect(readme).toMatch(/create-piksel-gitops@\S+ validate`, the version that generated/);
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

describe('what help and the generated docs say matches what runs', () => {
  it('each help lists the exit codes its command can return: 3 (conflicts) only for create, 4 (not Ready) only where something waits', () => {
    const codes = (command: Parameters<typeof helpFor>[0]) => [...helpFor(command).split('Exit codes:')[1]!.matchAll(/\b(\d+) /g)].map((m) => Number(m[1]));
    expect(codes('create')).toEqual([0, 1, 2, 3, 130]);
    expect(codes('validate')).toEqual([0, 1, 2]);
    expect(codes('bootstrap')).toEqual([0, 1, 2, 4, 130]);
    expect(codes('secrets')).toEqual([0, 1, 2, 130]);
    expect(codes('status')).toEqual([0, 1, 2, 4]);
  });

  it('`help bootstrap` and the cluster README give bootstrap’s steps in the order its dry run lists them', async () => {
    const { files, answers } = await renderWithAnswers();
    const cluster = answers.clusters[0]!;
    const dir = await tempDir();
    const quiet = { info: () => undefined, detail: () => undefined, success: () => undefined, warn: () => undefined };
    const plan = await planBootstrap({ dir, shownDir: '.', answers, cluster }, { yes: true, dryRun: true, git: true }, { run: undefined as never, reporter: quiet, env: {} });
    // Each step as the dry run shows it, and as the docs name it.
    const steps: readonly [RegExp, RegExp][] = [
      [/^flux check --pre/, /flux check --pre/],
      [/ get gitrepositories\S*\/flux-system /, /syncs no other repository or path/],
      [/ get secret /, /which (of the )?Secrets (above )?exist/],
      [/^git push/, /pushes/],
      [/flux bootstrap/, /runs `?flux bootstrap/],
      [/^git pull/, /pulls/],
      [/ apply /, /creates the missing Secrets/],
      [/ get \S+ --all-namespaces/, /waits until every Kustomization is Ready/],
    ];
    const runOrder = steps.map(([command]) => plan.commands.findIndex((c) => command.test(c)));
    expect(runOrder.every((at, i) => at >= 0 && (i === 0 || at > runOrder[i - 1]!)), plan.commands.join('\n')).toBe(true);
    const bootstrapSection = files.get(`clusters/${cluster.name}/README.md`)!.split('## Bootstrap')[1]!;
    for (const [name, text] of [['help bootstrap', helpFor('bootstrap')], ['cluster README', bootstrapSection]] as const) {
      const flat = text.replace(/\s+/g, ' '); // words wrapped across lines
      const docOrder = steps.map(([, words]) => flat.search(words));
      expect(docOrder.every((at, i) => at >= 0 && (i === 0 || at > docOrder[i - 1]!)), `${name}:\n${text}`).toBe(true);
    }
  });

  it('the generated README carries no notes for the tool’s authors (where versions were checked, publishing)', async () => {
    const { files } = await renderWithAnswers();
    const readme = files.get('README.md')!;
    const provenance = CATALOG.flatMap((c) => [...Object.values(c.charts).map((chart) => chart.source), ...Object.values(c.images ?? {}).map((image) => image.source)]);
    expect(provenance.length).toBeGreaterThan(10);
    for (const source of provenance) expect(readme).not.toContain(source);
    expect(readme).not.toMatch(/Checked against|Publish before first use|must be published/);
    // The versions themselves stay: they are what the repository runs.
    expect(readme).toMatch(/\| argo \| chart `argo-workflows` from \S+ \| `\d[^`]*` \|\n/);
  });

  it('the deployment flow draws notifications as one Slack node with one edge, not one per step', async () => {
    const { files } = await renderWithAnswers();
    const mermaid = /```mermaid\n([\s\S]*?)```/.exec(files.get('clusters/development/README.md')!)![1]!;
    expect(mermaid.match(/-\. [^.]* \.->/g)?.filter((edge) => /events/.test(edge))).toHaveLength(1);
    expect(mermaid.match(/slack\[/g)).toHaveLength(1);
  });
});

async function renderWithAnswers() {
  const answers = parseAnswers({});
  return { answers, files: (await render({})).files };
}

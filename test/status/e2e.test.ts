import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../src/cli/args.js';
import { statusCommand } from '../../src/commands/status.js';
import { isPikselError } from '../../src/errors.js';
import { bootstrap, captureReporter, generatedRepository, recordingRunner, scenario, secrets } from '../bootstrap/setup.js';
import { installFakes } from '../bootstrap/fakes.js';
import { runCli } from '../support/cli.js';
import { scriptedPrompts } from '../support/prompts.js';
import { installPlatform } from './fake-cluster.js';
import { type FixtureName, loadFixture } from './fixtures.js';

/**
 * The few cases through kubectl: the stand-in (test/bootstrap/fakes.ts) answering from recorded
 * states, for `status` and for bootstrap's wait. The reasons themselves are tested in-process
 * (status.test.ts); here: the calls, the exit codes, the watch, the refusals before installing.
 */
const stepClock = () => {
  let now = 0;
  return { now: () => now, sleep: async (ms: number) => void (now += ms) };
};

async function platform(states: FixtureName[]) {
  const fakes = await installFakes();
  await installPlatform(dirname(fakes.bin), states.map(loadFixture));
  return fakes;
}

async function status(args: string[], env: NodeJS.ProcessEnv) {
  const { run, commands } = recordingRunner();
  const { reporter, text } = captureReporter();
  try {
    const report = await statusCommand(parseCliArgs(['status', ...args]), { run, reporter, env, clock: stepClock() });
    return { report, output: text(), commands };
  } catch (e) {
    if (!isPikselError(e)) throw e;
    return { error: e, output: `${text()}\n✖ ${e.message}`, commands };
  }
}

describe('status through kubectl', () => {
  it('reads the cluster read-only on the given context, and names the failing pod', async () => {
    const dir = await generatedRepository();
    const fakes = await platform(['image-pull']);
    const { report, output, commands } = await status([dir, '--context', 'kind-piksel'], fakes.env());
    expect(report?.exitCode).toBe(1);
    expect(output).toContain('ImagePullBackOff: image quay.io/jupyterhub/k8s-hub:4.4.0-typo cannot be pulled');
    const kubectl = commands.filter((c) => c.command === 'kubectl' && c.args[0] !== 'config');
    expect(kubectl.length).toBeGreaterThan(0);
    for (const c of kubectl) {
      expect(c.args[0]).toBe('--context=kind-piksel');
      expect(['get', 'logs']).toContain(c.args[1]);
    }
  });

  it('--watch follows progressing → failed → Ready and exits 0, each change shown once', async () => {
    const dir = await generatedRepository();
    const fakes = await platform(['progressing', 'progressing', 'image-pull', 'healthy']);
    const { report, output } = await status([dir, '--watch', '--timeout', '10m'], fakes.env());
    expect(report).toMatchObject({ exitCode: 0, outcome: 'ready', timedOut: false });
    const progress = output.split('\n').filter((l) => /^\d+\/16 Ready/.test(l));
    expect(progress).toEqual(['1/16 Ready; reconciling infra-controllers, database', '14/16 Ready; reconciling apps; failed jupyterhub', '16/16 Ready']);
    expect(output).toContain('jupyterhub: https://jupyter.dev.piksel.id');
  });

  it('--watch out of time while progressing: exit 4', async () => {
    const dir = await generatedRepository();
    const fakes = await platform(['progressing']);
    const { report, output } = await status([dir, '--watch', '--timeout', '1m'], fakes.env());
    expect(report).toMatchObject({ exitCode: 4, outcome: 'progressing', timedOut: true });
    expect(output).toContain('not every Kustomization was Ready after 1m');
  });

  it('a context without Flux: says so (exit 1)', async () => {
    const dir = await generatedRepository();
    const fakes = await installFakes();
    const { error } = await status([dir], fakes.env());
    expect(error?.exitCode).toBe(1);
    expect(error?.message).toMatch(/^Flux is not installed on kubectl context 'kind-piksel'/);
  });

  it('refuses the current context when another cluster is bound to it (exit 2)', async () => {
    const dir = await generatedRepository(['clusters.0.context=kind-piksel', 'clusters.1.name=staging', 'clusters.1.domain=staging.piksel.id']);
    const fakes = await platform(['healthy']);
    const { error, commands } = await status([dir, '--cluster', 'staging'], fakes.env());
    expect(error?.exitCode).toBe(2);
    expect(error?.message).toContain("is 'kind-piksel', the context of cluster development, not of staging");
    expect(commands.filter((c) => c.args.includes('get'))).toEqual([]);
  });

  it('the CLI: --json on stdout, the exit code of the state (built CLI)', async () => {
    const dir = await generatedRepository();
    const fakes = await platform(['database-setup-failed']);
    const run = await runCli(['status', dir, '--json'], { env: fakes.env() });
    expect(run.exitCode).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ cluster: 'development', context: 'kind-piksel', outcome: 'failed', timedOut: false, exitCode: 1 });
    const database = report.kustomizations.find((k: { name: string }) => k.name === 'database');
    expect(database.children[0]).toMatchObject({ kind: 'Job', name: 'database-setup', state: 'failed' });
  });
});

describe('bootstrap waits for the platform', () => {
  const args = (dir: string, ...more: string[]) => [dir, '--yes', ...more];

  it('shows the progress until every Kustomization is Ready, then the URLs of the apps', async () => {
    const s = await scenario({ remote: 'empty' });
    await installPlatform(dirname(s.fakes.bin), (['progressing', 'image-pull', 'healthy'] as const).map(loadFixture));
    const outcome = await bootstrap(args(s.dir), s.env(), { clock: stepClock() });
    expect(outcome.error).toBeUndefined();
    expect(outcome.summary?.platform).toMatchObject({ outcome: 'ready', timedOut: false });
    expect(outcome.output).toContain('│ 1/16 Ready; reconciling infra-controllers, database');
    expect(outcome.output).toContain('│ 14/16 Ready; reconciling apps; failed jupyterhub');
    expect(outcome.output).toContain('the platform is healthy');
    expect(outcome.output).toMatch(/apps up:\n(.*\n)*\s+jupyterhub: https:\/\/jupyter\.dev\.piksel\.id/);
    // It ends with them, after Flux is said to reconcile the cluster.
    expect(outcome.output.indexOf('now reconciles clusters/development')).toBeLessThan(outcome.output.indexOf('apps up:'));
    expect(outcome.output).toContain('  tileserver: https://tiles.dev.piksel.id\n');
    // Then, the platform healthy, how to index the chosen products' past (the daily runs index only the last days).
    expect(outcome.output.slice(outcome.output.indexOf('apps up:'))).toMatch(
      /data: each product is indexed daily from 17:05 UTC for the last 3 days; to index from its start date now \(its backfill\):\n {2}argo submit -n argo --from workflowtemplate\/index-s2-l2a-c1 --watch\n {2}argo submit -n argo --from workflowtemplate\/index-ls9-c2l2-sr --watch\n {2}argo submit -n argo --from workflowtemplate\/index-cop-dem-glo-30 --watch\n?$/,
    );
    // The watch starts after flux bootstrap and the Secrets.
    const order = outcome.commands.map((c) => `${c.command} ${c.args.filter((a) => !a.startsWith('--context')).slice(0, 2).join(' ')}`);
    expect(order.indexOf('kubectl get gitrepositories.source.toolkit.fluxcd.io,kustomizations.kustomize.toolkit.fluxcd.io,helmreleases.helm.toolkit.fluxcd.io,jobs.batch,pods,persistentvolumeclaims')).toBeGreaterThan(
      order.lastIndexOf('kubectl apply --server-side'),
    );
  });

  it('in a terminal: a live task log of the changes, closed with success', async () => {
    const s = await scenario({ remote: 'empty' });
    await installPlatform(dirname(s.fakes.bin), (['progressing', 'healthy'] as const).map(loadFixture));
    const logged: string[] = [];
    const outcome = await bootstrap([s.dir], s.env(), {
      clock: stepClock(),
      prompts: scriptedPrompts({
        confirm: async () => true,
        taskLog: (title) => ({ message: (l) => logged.push(`${title}: ${l}`), success: (m) => logged.push(`done: ${m}`), error: (m) => logged.push(`error: ${m}`) }),
      }),
    });
    expect(outcome.error, outcome.output).toBeUndefined();
    const wait = 'waiting for the platform to become healthy (up to 45m, a look every 10s; --no-wait skips this)';
    expect(logged.filter((l) => !l.includes('flux bootstrap'))).toEqual([`${wait}: 1/16 Ready; reconciling infra-controllers, database`, `${wait}: 16/16 Ready`, 'done: the platform is healthy']);
  });

  it('--no-wait ends after the Secrets: the cluster is not watched', async () => {
    const s = await scenario({ remote: 'empty' });
    await installPlatform(dirname(s.fakes.bin), [loadFixture('progressing')]);
    const outcome = await bootstrap(args(s.dir, '--no-wait'), s.env(), { clock: stepClock() });
    expect(outcome.error).toBeUndefined();
    expect(outcome.summary?.platform).toBeUndefined();
    expect(outcome.commands.filter((c) => c.args.includes('--all-namespaces'))).toEqual([]);
  });

  it('out of time while still failing: the status view, and the status command to follow it', async () => {
    const s = await scenario({ remote: 'empty' });
    await installPlatform(dirname(s.fakes.bin), [loadFixture('missing-secret')]);
    const outcome = await bootstrap(args(s.dir, '--wait-timeout', '2m'), s.env(), { clock: stepClock() });
    expect(outcome.summary?.platform).toMatchObject({ outcome: 'failed', timedOut: true });
    expect(outcome.output).toContain('Secret jupyterhub/jupyterhub-db is missing: create it with `npx create-piksel-gitops secrets');
    expect(outcome.output).toMatch(/something failed \(above\) after 2m: Flux keeps trying; follow it with `npx create-piksel-gitops status .* --cluster development --watch`/);
    // No backfill to start on a platform that is not up.
    expect(outcome.output).not.toContain('argo submit');
  });

  it('the CLI: still progressing when the wait runs out is exit 4, failed is exit 1 (built CLI)', async () => {
    for (const [state, exitCode] of [['progressing', 4], ['crash-loop', 1]] as const) {
      const s = await scenario({ remote: 'empty' });
      await installPlatform(dirname(s.fakes.bin), [loadFixture(state)]);
      const run = await runCli(['bootstrap', s.dir, '--yes', '--wait-timeout', '1ms', '--json'], { env: s.env() });
      expect(run.exitCode, run.stderr).toBe(exitCode);
      expect(JSON.parse(run.stdout).platform).toMatchObject({ timedOut: true });
    }
  });

  it('a bad --wait-timeout is refused before anything runs (exit 2)', async () => {
    const s = await scenario({ remote: 'empty' });
    const outcome = await bootstrap(args(s.dir, '--wait-timeout', '2 days'), s.env());
    expect(outcome.error?.exitCode).toBe(2);
    expect(outcome.commands).toEqual([]);
  });
});

describe('bootstrap refuses a context that is not this cluster\'s, before installing anything', () => {
  const installed = (commands: ReadonlyArray<{ command: string; args: readonly string[] }>) =>
    commands.filter((c) => (c.command === 'flux' && c.args[0] === 'bootstrap') || (c.command === 'git' && c.args[0] === 'push') || (c.command === 'kubectl' && c.args.includes('apply')));

  it('the current context is bound to another cluster', async () => {
    const s = await scenario({ remote: 'empty', sets: ['clusters.0.context=kind-piksel', 'clusters.1.name=staging', 'clusters.1.domain=staging.piksel.id'] });
    const outcome = await bootstrap([s.dir, '--yes', '--cluster', 'staging'], s.env());
    expect(outcome.error?.exitCode).toBe(2);
    expect(outcome.error?.message).toContain("kubectl context 'kind-piksel' is the context of cluster development (clusters[].context), not of staging");
    expect(installed(outcome.commands)).toEqual([]);
  });

  it('secrets, too, refuses the current context of another cluster, and uses the bound one', async () => {
    const s = await scenario({ remote: 'empty', sets: ['clusters.0.context=kind-piksel', 'clusters.1.name=staging', 'clusters.1.domain=staging.piksel.id'] });
    const refused = await secrets([s.dir, '--cluster', 'staging', '--check'], s.env());
    expect(refused.error?.exitCode).toBe(2);
    expect(refused.commands.filter((c) => c.args.includes('get'))).toEqual([]);
    const bound = await secrets([s.dir, '--cluster', 'development', '--check'], s.env({ FAKE_KUBE_CONTEXT: 'kind-other', FAKE_KUBE_CONTEXTS: 'kind-piksel kind-other' }));
    expect(bound.summary?.context).toBe('kind-piksel');
  });

  it('a bound context kubectl does not know: bootstrap stops before installing; status and secrets name the answer to fix', async () => {
    const s = await scenario({ remote: 'empty', sets: ['clusters.0.context=kind-gone'] });
    const outcome = await bootstrap([s.dir, '--yes'], s.env());
    expect(outcome.error?.exitCode).toBe(1);
    expect(outcome.error?.message).toContain("kubectl context 'kind-gone' does not exist");
    expect(installed(outcome.commands)).toEqual([]);
    const looked = await status([s.dir], s.env());
    expect(looked.error?.message).toMatch(/^clusters\.0\.context is 'kind-gone', which kubectl does not know: add it to your kubeconfig, pass --context NAME/);
    const checked = await secrets([s.dir, '--check'], s.env());
    expect(checked.error?.message).toMatch(/^clusters\.0\.context is 'kind-gone'/);
  });

  it("the cluster's own context is used when none is given", async () => {
    const s = await scenario({ remote: 'empty', sets: ['clusters.0.context=kind-piksel', 'clusters.1.name=staging', 'clusters.1.domain=staging.piksel.id', 'clusters.1.context=kind-staging'] });
    const outcome = await bootstrap([s.dir, '--yes', '--cluster', 'staging', '--no-wait'], s.env({ FAKE_KUBE_CONTEXTS: 'kind-piksel kind-staging' }));
    expect(outcome.error).toBeUndefined();
    expect(outcome.summary?.context).toBe('kind-staging');
    const flux = outcome.commands.find((c) => c.command === 'flux' && c.args[0] === 'bootstrap')!;
    expect(flux.args).toContain('--context=kind-staging');
  });

  it('Flux there already syncs another path: refused, and --force takes it over', async () => {
    const s = await scenario({ remote: 'empty' });
    const live = loadFixture('healthy');
    const items = live.items.map((o) =>
      o.kind === 'Kustomization' && o.metadata.name === 'flux-system' ? { ...o, spec: { ...o.spec, path: './clusters/production' } } : o,
    );
    await installPlatform(dirname(s.fakes.bin), [{ ...live, items }]);
    const refused = await bootstrap([s.dir, '--yes', '--no-wait'], s.env());
    expect(refused.error?.exitCode).toBe(2);
    expect(refused.error?.message).toContain("Flux on kubectl context 'kind-piksel' already syncs path ./clusters/production (not clusters/development)");
    expect(installed(refused.commands)).toEqual([]);
    const forced = await bootstrap([s.dir, '--yes', '--no-wait', '--force'], s.env());
    expect(forced.error).toBeUndefined();
  });

  it('Flux there syncs this path from the same repository over ssh: not refused', async () => {
    const s = await scenario({ remote: 'empty' });
    await installPlatform(dirname(s.fakes.bin), [loadFixture('healthy')]);
    const outcome = await bootstrap([s.dir, '--yes', '--no-wait'], s.env());
    expect(outcome.error).toBeUndefined();
  });
});

import { execa } from 'execa';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/cli.js';
import { runMain } from '../support/main.js';

const git = (cwd: string, ...args: string[]) => execa('git', args, { cwd }).then((r) => r.stdout);
const OLD_CONTROLLERS = 'components.controllers=[cert-manager, ingress-nginx, db-proxy, notifications, nvidia-device-plugin]';

interface Plan {
  readonly plan: { readonly files: readonly { path: string; outcome: string }[] };
}

/**
 * A repository as the tool made it before `ingress.controller` existed: ingress-nginx listed
 * among the controllers, and no `ingress` key in its stored answers.
 */
async function ingressNginxRepository(): Promise<string> {
  const dir = join(await tempDir(), 'repo');
  const made = await runMain([dir, '--yes', '--set', 'ingress.controller=ingress-nginx', '--set', OLD_CONTROLLERS]);
  expect(made.exitCode, made.stderr).toBe(0);
  const answers = join(dir, 'piksel-answers.yaml');
  const text = await readFile(answers, 'utf8');
  expect(text).toContain('ingress:\n  controller: ingress-nginx\n');
  await writeFile(answers, text.replace('ingress:\n  controller: ingress-nginx\n', ''));
  await git(dir, 'commit', '-qam', 'answers from before ingress.controller');
  return dir;
}

const changed = (plan: Plan) => plan.plan.files.filter((f) => f.outcome !== 'unchanged').map((f) => `${f.outcome} ${f.path}`);

describe('an ingress-nginx repository upgraded', () => {
  it('without --set keeps its edge: no manifest changes, only the answer made explicit', async () => {
    const dir = await ingressNginxRepository();
    const run = await runMain([dir, '--dry-run', '--json']);
    expect(run.exitCode, run.stderr).toBe(0);
    const files = changed(JSON.parse(run.stdout) as Plan).filter((f) => !f.endsWith('.piksel/base.yaml'));
    expect(files.filter((f) => !/piksel-answers\.yaml$/.test(f))).toEqual([]);
  });

  it('with --set ingress.controller=envoy-gateway shows both edges side by side, and where to point DNS', async () => {
    const dir = await ingressNginxRepository();
    const run = await runMain([dir, '--dry-run', '--json', '--set', 'ingress.controller=envoy-gateway']);
    expect(run.exitCode, run.stderr).toBe(0);
    const plan = JSON.parse(run.stdout) as Plan;
    const outcome = new Map(plan.plan.files.map((f) => [f.path, f.outcome]));
    // The new edge arrives…
    for (const path of ['infrastructure/controllers/envoy-gateway.yaml', 'infrastructure/configs/gateway.yaml', 'apps/development/argo/httproute.yaml', 'apps/development/odc/httproute.yaml'])
      expect(outcome.get(path), path).toBe('new');
    // …and the old one stays as it was, serving every host until DNS moves.
    for (const path of ['infrastructure/controllers/ingress-nginx.yaml', 'apps/development/odc/ingress.yaml', 'apps/development/terria/ingress.yaml'])
      expect(outcome.get(path), path).toBe('unchanged');
    expect(run.stderr).toMatch(/ingress-nginx keeps serving beside envoy-gateway.*kubectl -n envoy-gateway-system get gateway edge/);
  });

  it('after the switch, re-runs keep both edges; ingress-nginx goes only when taken off the list', async () => {
    const dir = await ingressNginxRepository();
    const switched = await runMain([dir, '--set', 'ingress.controller=envoy-gateway']);
    expect(switched.exitCode, switched.stderr).toBe(0);
    const again = await runMain([dir, '--dry-run', '--json']);
    expect(changed(JSON.parse(again.stdout) as Plan)).toEqual([]);
    const removed = await runMain([dir, '--dry-run', '--json', '--set', 'components.controllers=[cert-manager, db-proxy, notifications, nvidia-device-plugin]']);
    expect(removed.exitCode, removed.stderr).toBe(0);
    const outcome = new Map((JSON.parse(removed.stdout) as Plan).plan.files.map((f) => [f.path, f.outcome]));
    expect(outcome.get('infrastructure/controllers/ingress-nginx.yaml')).toBe('removed');
    expect(outcome.get('apps/development/odc/ingress.yaml')).toBe('removed');
    expect(outcome.get('infrastructure/controllers/envoy-gateway.yaml')).toBe('unchanged');
  });

  it('made today with ingress-nginx (not listed among the controllers), still keeps it beside Envoy Gateway when switched', async () => {
    const dir = join(await tempDir(), 'repo');
    const made = await runMain([dir, '--yes', '--set', 'ingress.controller=ingress-nginx']);
    expect(made.exitCode, made.stderr).toBe(0);
    expect(await readFile(join(dir, 'piksel-answers.yaml'), 'utf8')).not.toMatch(/^ {4}- ingress-nginx$/m);
    const run = await runMain([dir, '--set', 'ingress.controller=envoy-gateway']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(await readFile(join(dir, 'infrastructure/controllers/ingress-nginx.yaml'), 'utf8')).toContain('kind: HelmRelease');
    expect(await readFile(join(dir, 'apps/development/odc/ingress.yaml'), 'utf8')).toContain('kind: Ingress');
    expect(await readFile(join(dir, 'apps/development/odc/httproute.yaml'), 'utf8')).toContain('kind: HTTPRoute');
    expect(await readFile(join(dir, 'piksel-answers.yaml'), 'utf8')).toMatch(/^ {4}- ingress-nginx$/m);
    // A run that sets the list too decides it: the old edge goes at once.
    const other = join(await tempDir(), 'repo');
    expect((await runMain([other, '--yes', '--set', 'ingress.controller=ingress-nginx'])).exitCode).toBe(0);
    const both = await runMain([other, '--dry-run', '--json', '--set', 'ingress.controller=envoy-gateway', '--set', 'components.controllers=[cert-manager, db-proxy]']);
    const outcome = new Map((JSON.parse(both.stdout) as Plan).plan.files.map((f) => [f.path, f.outcome]));
    expect(outcome.get('infrastructure/controllers/ingress-nginx.yaml')).toBe('removed');
  });
});

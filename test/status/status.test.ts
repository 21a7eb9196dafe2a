import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { statusExitCode } from '../../src/commands/status.js';
import { assessPlatform, logsWanted, type PlatformStatus, type StatusNode } from '../../src/status/assess.js';
import { formatStatus } from '../../src/status/format.js';
import type { KubeObject, LiveObjects } from '../../src/status/objects.js';
import { watchPlatform } from '../../src/status/watch.js';
import { FIXTURES, type FixtureName, fixturePlan, loadFixture } from './fixtures.js';

const plan = fixturePlan();
const assess = (name: FixtureName, head?: string) => assessPlatform(plan, loadFixture(name), { head });
const text = (status: PlatformStatus) => formatStatus(status).join('\n');
const flat = (nodes: readonly StatusNode[]): StatusNode[] => nodes.flatMap((n) => [n, ...flat(n.children)]);
const node = (status: PlatformStatus, kind: string, name: string) => flat([status.source, ...status.kustomizations]).find((n) => n.kind === kind && n.name === name);

describe('status: each recorded cluster state, the failing object and its reason', () => {
  it('a healthy platform: every Kustomization Ready in the order Flux reconciles, exit 0, the URLs', () => {
    const status = assess('healthy');
    expect(status.outcome).toBe('ready');
    expect(statusExitCode(status)).toBe(0);
    expect(status.kustomizations.map((k) => k.name)).toEqual([
      'flux-system', 'infra-controllers', 'infra-configs', 'database', 'odc-schema', 'stac-schema', 'apps',
      'argo', 'jupyterhub', 'jupyterdask', 'monitoring', 'odc', 'stac', 'terria', 'tileserver', 'indexing',
    ]);
    expect(status.urls.every((u) => u.ready)).toBe(true);
    expect(text(status)).toContain('jupyterhub: https://jupyter.dev.piksel.id');
  });

  it('a first install still going: progressing, the rest waiting for what it depends on, exit 4', () => {
    const status = assess('progressing');
    expect(status.outcome).toBe('progressing');
    expect(statusExitCode(status)).toBe(4);
    expect(node(status, 'Kustomization', 'infra-configs')).toMatchObject({ state: 'waiting', reason: 'waiting for infra-controllers (progressing)' });
    expect(node(status, 'HelmRelease', 'cert-manager')).toMatchObject({ state: 'progressing', reason: "Running 'install' action with timeout of 10m0s" });
    expect(node(status, 'Kustomization', 'jupyterhub')).toMatchObject({ state: 'waiting', reason: 'not applied yet: apps applies it once it can' });
    expect(status.urls.some((u) => u.ready)).toBe(false);
  });

  it('the database-setup Job fails: its log names the cause, the re-run is given, and what depends on it names the dependency', () => {
    const status = assess('database-setup-failed');
    expect(statusExitCode(status)).toBe(1);
    const job = node(status, 'Job', 'database-setup')!;
    expect(job.state).toBe('failed');
    expect(job.reason).toBe('BackoffLimitExceeded: Job has reached the specified backoff limit');
    // The newest failed pod's log (the fixture lists it first), not the last one listed.
    expect(job.details[0]).toBe('pod database-setup-z8r5n failed; its last log lines:');
    expect(job.details.join('\n')).toContain('password authentication failed for user "piksel_admin"');
    expect(job.next).toContain('kubectl --context=kind-piksel --namespace=database delete job database-setup && flux --context=kind-piksel reconcile kustomization database');
    expect(node(status, 'Kustomization', 'odc-schema')).toMatchObject({ state: 'waiting', reason: 'waiting for database (failed: see above)' });
    expect(node(status, 'Kustomization', 'odc')).toMatchObject({ state: 'waiting', reason: 'waiting for odc-schema (waiting)' });
    // Apps that do not need the database are up, and said to be.
    expect(status.urls.filter((u) => u.ready).map((u) => u.component)).toEqual(['monitoring', 'terria', 'tileserver']);
  });

  it('an install that timed out on an image: the pod, ImagePullBackOff and the image', () => {
    const status = assess('image-pull');
    expect(statusExitCode(status)).toBe(1);
    expect(node(status, 'HelmRelease', 'jupyterhub')!.reason).toBe('Helm install failed for release jupyterhub/jupyterhub with chart jupyterhub@4.4.0: context deadline exceeded');
    const pod = node(status, 'Pod', 'hub-6d9c7b8f45-x2x7q')!;
    expect(pod.reason).toMatch(/^ImagePullBackOff: image quay\.io\/jupyterhub\/k8s-hub:4\.4\.0-typo cannot be pulled/);
    expect(node(status, 'Kustomization', 'jupyterhub')!.reason).toMatch(/^HelmRelease jupyterhub\/jupyterhub failed: health check failed/);
  });

  it('a crash loop: the last lines of the previous run of the container', () => {
    const status = assess('crash-loop');
    const pod = node(status, 'Pod', 'argo-workflows-server-7f5d8c9b6-l4k2m')!;
    expect(pod.reason).toBe('CrashLoopBackOff: container argo-server exits (restarted 7 times)');
    expect(pod.details.at(-1)).toContain('failed to connect to database: pq: password authentication failed for user');
    expect(logsWanted(loadFixture('crash-loop'))).toEqual([{ namespace: 'argo', pod: 'argo-workflows-server-7f5d8c9b6-l4k2m', container: 'argo-server', previous: true }]);
  });

  it('Pending: the scheduler says why, the claim says which StorageClass is missing', () => {
    const status = assess('storage-pending');
    const pod = node(status, 'Pod', 'loki-0')!;
    expect(pod.reason).toMatch(/^Pending: 0\/3 nodes are available: pod has unbound immediate PersistentVolumeClaims/);
    expect(pod.details).toEqual(['PersistentVolumeClaim storage-loki-0: Pending: storageclass.storage.k8s.io "gp3" not found']);
    expect(pod.next).toMatch(/^StorageClass gp3 does not exist on the cluster/);
  });

  it('Pending for a GPU no node has', () => {
    const pod = node(assess('gpu-pending'), 'Pod', 'user-placeholder-0')!;
    expect(pod.reason).toContain('Insufficient nvidia.com/gpu');
    expect(pod.next).toMatch(/^no node offers a GPU/);
  });

  it('a missing Secret bootstrap creates: the secrets command that creates it', () => {
    const pod = node(assess('missing-secret'), 'Pod', 'hub-6d9c7b8f45-x2x7q')!;
    expect(pod.reason).toBe('CreateContainerConfigError: secret "jupyterhub-db" not found');
    expect(pod.next).toBe('Secret jupyterhub/jupyterhub-db is missing: create it with `npx create-piksel-gitops secrets piksel-gitops --cluster development`');
  });

  it('a missing Secret the operator owns is not sent to the secrets command', () => {
    const live = loadFixture('missing-secret');
    const renamed = JSON.parse(JSON.stringify(live).replace('secret \\"jupyterhub-db\\" not found', 'secret \\"jupyterhub-auth\\" not found')) as LiveObjects;
    expect(node(assessPlatform(plan, renamed), 'Pod', 'hub-6d9c7b8f45-x2x7q')!.next).toMatch(/jupyterhub\/jupyterhub-auth is missing: it is the operator's to create/);
  });

  it("a values Secret Flux could not read: the HelmRelease's own next step", () => {
    const live = loadFixture('healthy');
    const message = "could not resolve Secret chart values reference 'jupyterhub/jupyterhub-db' with key 'values.yaml': secrets \"jupyterhub-db\" not found";
    const items = live.items.map((o) =>
      o.kind === 'HelmRelease' && o.metadata.name === 'jupyterhub'
        ? { ...o, status: { ...o.status, conditions: [{ type: 'Ready', status: 'False', reason: 'ValuesError', message }] } }
        : o.kind === 'Kustomization' && o.metadata.name === 'jupyterhub'
          ? { ...o, status: { ...o.status, conditions: [{ type: 'Ready', status: 'Unknown', reason: 'Progressing', message: 'Reconciliation in progress' }] } }
          : o,
    );
    const status = assessPlatform(plan, { ...live, items });
    expect(node(status, 'Kustomization', 'jupyterhub')!.state).toBe('failed');
    expect(node(status, 'HelmRelease', 'jupyterhub')!.next).toBe('Secret jupyterhub/jupyterhub-db is missing: create it with `npx create-piksel-gitops secrets piksel-gitops --cluster development`');
  });

  it('a Certificate not issued: the ACME challenge state, and DNS named as the cause; the app is not listed as up', () => {
    const status = assess('certificate-dns');
    expect(statusExitCode(status)).toBe(1);
    const cert = node(status, 'Certificate', 'jupyter-tls')!;
    expect(cert.details[0]).toMatch(/^HTTP-01 challenge for jupyter\.dev\.piksel\.id: pending: Waiting for HTTP-01 challenge propagation: failed to perform self check GET request/);
    expect(cert.next).toMatch(/^DNS: jupyter\.dev\.piksel\.id does not resolve; point it at the edge/);
    expect(status.urls.find((u) => u.component === 'jupyterhub')!.ready).toBe(false);
  });

  it('an HTTP-01 challenge the edge does not answer is told apart from DNS', () => {
    const live = loadFixture('certificate-dns');
    const refused = JSON.parse(JSON.stringify(live).replace('lookup jupyter.dev.piksel.id on 10.100.0.10:53: no such host', 'connect: connection refused')) as LiveObjects;
    expect(node(assessPlatform(plan, refused), 'Certificate', 'jupyter-tls')!.next).toMatch(/^HTTP-01: http:\/\/jupyter\.dev\.piksel\.id\/\.well-known\/acme-challenge\/ is not reachable/);
  });

  it('drift, read-only: the cluster lags the branch, a release drifted; Ready stays Ready', () => {
    const status = assess('drift', 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678');
    expect(status.outcome).toBe('ready');
    expect(status.drift.map((d) => `${d.kind} ${d.name}`)).toEqual(['GitRepository flux-system', 'HelmRelease kube-prometheus-stack']);
    expect(status.drift[0]!.message).toContain('the cluster has main@3f1c2b7, but main is at a1b2c3d here');
    expect(assess('drift', '3f1c2b7e9d0a4c5b8e6f7a1d2c3b4a5e6f7d8c9b').drift.map((d) => d.kind)).toEqual(['HelmRelease']);
  });

  it('a suspended Kustomization is drift and not healthy (exit 1): Flux does not apply it', () => {
    const live = loadFixture('healthy');
    const items = live.items.map((o) => (o.kind === 'Kustomization' && o.metadata.name === 'odc' ? { ...o, spec: { ...o.spec, suspend: true } } : o));
    const status = assessPlatform(plan, { ...live, items });
    expect(node(status, 'Kustomization', 'odc')).toMatchObject({ state: 'suspended', next: 'flux resume kustomization odc' });
    expect(status.drift.map((d) => d.message)).toContain('suspended: changes to ./apps/development/odc are not applied (`flux resume kustomization odc`)');
    expect(statusExitCode(status)).toBe(1);
  });

  it('a Kustomization that reconciles a newer generation is not Ready yet', () => {
    const live = loadFixture('healthy');
    const items = live.items.map((o) => (o.kind === 'Kustomization' && o.metadata.name === 'stac' ? { ...o, metadata: { ...o.metadata, generation: 2 } } : o));
    expect(node(assessPlatform(plan, { ...live, items }), 'Kustomization', 'stac')!.state).toBe('progressing');
  });

  it('the failed Job pods whose logs explain the failure are the ones asked for', () => {
    expect(logsWanted(loadFixture('database-setup-failed')).map((w) => `${w.pod}/${w.container}/${w.previous}`)).toEqual(['database-setup-z8r5n/setup/false', 'database-setup-4xk2p/setup/false']);
  });
});

describe('status --watch', () => {
  it('follows progressing → failed → fixed → Ready, and stops at Ready', async () => {
    const states: FixtureName[] = ['progressing', 'image-pull', 'healthy', 'crash-loop'];
    let now = 0;
    const clock = { now: () => now, sleep: async (ms: number) => void (now += ms) };
    const seen: string[] = [];
    const result = await watchPlatform(async () => assess(states.shift()!), { timeoutMs: 60_000, intervalMs: 10_000, clock }, (s) => seen.push(s.outcome));
    expect(seen).toEqual(['progressing', 'failed', 'ready']);
    expect(result).toMatchObject({ timedOut: false, status: { outcome: 'ready' } });
  });

  it('runs out of time while progressing: timed out, exit 4; while failing: exit 1', async () => {
    let now = 0;
    const clock = { now: () => now, sleep: async (ms: number) => void (now += ms) };
    const progressing = await watchPlatform(async () => assess('progressing'), { timeoutMs: 25_000, intervalMs: 10_000, clock }, () => {});
    expect(progressing.timedOut).toBe(true);
    expect(statusExitCode(progressing.status)).toBe(4);
    const failing = await watchPlatform(async () => assess('image-pull'), { timeoutMs: 25_000, intervalMs: 10_000, clock }, () => {});
    expect(statusExitCode(failing.status)).toBe(1);
  });
});

// ---- the fixtures are honest: every field they give a Flux object exists in Flux 2.9's CRDs ----

const FLUX_CRDS_DIR = fileURLToPath(new URL('../../../shared/fixtures/flux-crds-v2.9/', import.meta.url));
const haveFluxCrds = existsSync(FLUX_CRDS_DIR);
if (!haveFluxCrds) console.warn(`SKIPPED: status fixtures against the Flux 2.9 CRDs: ${FLUX_CRDS_DIR} does not exist on this machine`);

const CRD_FILES: Record<string, [string, string]> = {
  GitRepository: ['source.toolkit.fluxcd.io_gitrepositories.yaml', 'v1'],
  Kustomization: ['kustomize.toolkit.fluxcd.io_kustomizations.yaml', 'v1'],
  HelmRelease: ['helm.toolkit.fluxcd.io_helmreleases.yaml', 'v2'],
};

interface Schema {
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema | boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
}

/** Paths in `value` the schema does not define (free-form maps and preserved fields are not walked). */
function unknownFields(value: unknown, schema: Schema, path: string): string[] {
  if (schema['x-kubernetes-preserve-unknown-fields'] || value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return schema.items ? value.flatMap((v, i) => unknownFields(v, schema.items!, `${path}[${i}]`)) : [];
  if (!schema.properties) return [];
  return Object.entries(value).flatMap(([k, v]) => (schema.properties![k] ? unknownFields(v, schema.properties![k]!, `${path}.${k}`) : [`${path}.${k}`]));
}

/** The openAPIV3Schema of each kind's served version, from the Flux 2.9 CRDs. */
function crdSchemas(): Record<string, Schema> {
  return Object.fromEntries(
    Object.entries(CRD_FILES).map(([kind, [file, version]]) => {
      const crd = parse(readFileSync(join(FLUX_CRDS_DIR, file), 'utf8')) as { spec: { versions: Array<{ name: string; schema: { openAPIV3Schema: Schema } }> } };
      const schema = crd.spec.versions.find((v) => v.name === version)!.schema.openAPIV3Schema;
      return [kind, schema];
    }),
  );
}

describe.skipIf(!haveFluxCrds)('status fixtures: Flux objects as the Flux 2.9 CRDs define them', () => {
  // Read when the tests run: a skipped suite's body still runs at collection, where the folder is absent.
  const schemas: Record<string, Schema> = {};
  beforeAll(() => {
    Object.assign(schemas, crdSchemas());
  });

  it.each(FIXTURES)('%s', (name) => {
    const objects = loadFixture(name).items.filter((o: KubeObject) => schemas[o.kind]);
    expect(objects.length).toBeGreaterThan(0);
    const unknown = objects.flatMap((o) => unknownFields({ spec: o.spec, status: o.status }, schemas[o.kind]!, `${o.kind}/${o.metadata.name}`));
    expect(unknown).toEqual([]);
  });

  it('the check finds a field the CRD does not have', () => {
    expect(unknownFields({ status: { lastAppliedRevison: 'x' } }, schemas.Kustomization!, 'K')).toEqual(['K.status.lastAppliedRevison']);
  });
});

describe('status usage', () => {
  it('--timeout without --watch, and a duration that is not one, are bad input (exit 2) before kubectl runs', async () => {
    const { parseCliArgs } = await import('../../src/cli/args.js');
    const { statusCommand } = await import('../../src/commands/status.js');
    const ran: string[] = [];
    const deps = { run: async (c: string) => (ran.push(c), { exitCode: 0, stdout: '', stderr: '', notFound: false }), reporter: { info() {}, detail() {}, success() {}, warn() {} } };
    await expect(statusCommand(parseCliArgs(['status', '--timeout', '5m']), deps)).rejects.toMatchObject({ exitCode: 2, message: '--timeout goes with --watch: add --watch, or drop --timeout' });
    await expect(statusCommand(parseCliArgs(['status', '--watch', '--timeout', '5 minutes']), deps)).rejects.toMatchObject({ exitCode: 2 });
    expect(ran).toEqual([]);
  });
});

describe('status: what waits is told apart from what failed', () => {
  const edit = (live: LiveObjects, kind: string, name: string, change: (o: KubeObject) => KubeObject): LiveObjects => ({
    ...live,
    items: live.items.map((o) => (o.kind === kind && o.metadata.name === name ? change(o) : o)),
  });
  const ready = (status: 'True' | 'False' | 'Unknown', reason: string, message: string) => (o: KubeObject) => ({ ...o, status: { ...o.status, conditions: [{ type: 'Ready', status, reason, message }] } });

  it('the repository cannot be fetched: the GitRepository fails, the Kustomizations without its artifact wait for it', () => {
    let live = edit(loadFixture('healthy'), 'GitRepository', 'flux-system', ready('False', 'GitOperationFailed', 'failed to checkout and determine revision: unable to clone: authentication required'));
    live = edit(live, 'Kustomization', 'database', ready('False', 'ArtifactFailed', 'Source is not ready, artifact not found, retrying in 30s'));
    const status = assessPlatform(plan, live);
    expect(status.source).toMatchObject({ state: 'failed', reason: 'failed to checkout and determine revision: unable to clone: authentication required' });
    expect(node(status, 'Kustomization', 'database')).toMatchObject({ state: 'waiting', reason: 'waiting for GitRepository flux-system (failed: see above)' });
    expect(statusExitCode(status)).toBe(1);
  });

  it('a HelmRelease waiting for another release waits; it has not failed', () => {
    let live = edit(loadFixture('healthy'), 'HelmRelease', 'loki', ready('False', 'DependencyNotReady', "dependency 'monitoring/kube-prometheus-stack' is not ready"));
    live = edit(live, 'Kustomization', 'monitoring', ready('Unknown', 'Progressing', 'Reconciliation in progress'));
    const status = assessPlatform(plan, live);
    expect(node(status, 'HelmRelease', 'loki')!.state).toBe('waiting');
    expect(statusExitCode(status)).toBe(4);
  });
});

describe('status --watch when the cluster cannot be read', () => {
  it('the first look failing ends the watch; a later one keeps the last picture and looks again', async () => {
    const { stepError } = await import('../../src/errors.js');
    let now = 0;
    const clock = { now: () => now, sleep: async (ms: number) => void (now += ms) };
    await expect(watchPlatform(async () => { throw stepError('connection refused'); }, { timeoutMs: 60_000, clock }, () => {})).rejects.toThrow('connection refused');
    const looks: Array<() => PlatformStatus> = [() => assess('progressing'), () => { throw stepError('the server is currently unable to handle the request'); }, () => assess('healthy')];
    const errors: string[] = [];
    const seen: string[] = [];
    const result = await watchPlatform(async () => looks.shift()!(), { timeoutMs: 60_000, clock, onLookError: (e) => errors.push(e.message) }, (s) => seen.push(s.outcome));
    expect(errors).toEqual(['the server is currently unable to handle the request']);
    expect(seen).toEqual(['progressing', 'progressing', 'ready']);
    expect(result.status.outcome).toBe('ready');
  });
});

describe('status: a pod is evidence, Flux decides', () => {
  it('a release still installing with a pod in ImagePullBackOff: progressing (exit 4), the pod shown with its image', () => {
    const live = loadFixture('image-pull');
    const installing = (o: KubeObject) => ({ ...o, status: { ...o.status, conditions: [{ type: 'Ready', status: 'Unknown', reason: 'Progressing', message: "Running 'install' action with timeout of 10m0s" }] } });
    const items = live.items.map((o) => ((o.kind === 'HelmRelease' || o.kind === 'Kustomization') && o.metadata.name === 'jupyterhub' ? installing(o) : o));
    const status = assessPlatform(plan, { ...live, items });
    expect(statusExitCode(status)).toBe(4);
    expect(node(status, 'Kustomization', 'jupyterhub')!.state).toBe('progressing');
    expect(node(status, 'Pod', 'hub-6d9c7b8f45-x2x7q')!.reason).toMatch(/^ImagePullBackOff: image quay\.io\/jupyterhub\/k8s-hub:4\.4\.0-typo/);
  });
});

describe('status: what kubectl answers is read, not trusted', () => {
  it('an answer that is not a JSON list is one line naming the context; items that are not objects are dropped', async () => {
    const { readLiveObjects } = await import('../../src/status/kubectl.js');
    const answering = (stdout: string) => async () => ({ exitCode: 0, stdout, stderr: '', notFound: false });
    await expect(readLiveObjects(answering('Welcome to the proxy'), 'dev')).rejects.toMatchObject({ message: expect.stringMatching(/^kubectl on context 'dev' did not answer a JSON list/) });
    await expect(readLiveObjects(answering('{"items": 5}'), 'dev')).rejects.toMatchObject({ message: expect.stringMatching(/did not answer a JSON list/) });
    const pod = { kind: 'Pod', metadata: { name: 'p', namespace: 'odc' } };
    const live = await readLiveObjects(answering(JSON.stringify({ items: [null, 7, { kind: 'Pod' }, { kind: 'Pod', metadata: null }, pod] })), 'dev');
    expect(live.items).toEqual([pod, pod, pod]);
  });
});

describe('bootstrap: what a context already syncs is read, not guessed', () => {
  it('an unreadable answer stops bootstrap (it is never taken for "nothing syncs here")', async () => {
    const { readFluxSync } = await import('../../src/bootstrap/context-binding.js');
    const answering = (stdout: string) => async () => ({ exitCode: 0, stdout, stderr: '', notFound: false });
    for (const garbage of ['Welcome to the proxy', '"flux-system"', 'null', '{"items": 5}'])
      await expect(readFluxSync(answering(garbage), 'prod')).rejects.toMatchObject({ message: expect.stringMatching(/^kubectl on context 'prod' did not answer/) });
    const repo = { kind: 'GitRepository', spec: { url: 'https://github.com/geo/platform', ref: { branch: 'main' } } };
    expect(await readFluxSync(answering(JSON.stringify({ items: [null, repo] })), 'prod')).toEqual({ url: repo.spec.url, branch: 'main', path: undefined });
  });
});

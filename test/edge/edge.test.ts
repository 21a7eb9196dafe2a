import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { keepEdgeWhileMoving, keepStoredEdge } from '../../src/answers/sections/ingress.js';
import { parseAnswers } from '../../src/answers/load.js';
import { selectComponents } from '../../src/catalog/selection.js';
import { render } from '../support/render.js';
import { removeRepositories, validate, writeRepository, type Files } from '../validate/support.js';

type Doc = Record<string, any>;

/** Every object of a rendered tree, with its file. */
function objects(files: ReadonlyMap<string, string>): { file: string; doc: Doc }[] {
  return [...files]
    .filter(([path]) => path.endsWith('.yaml') && !path.startsWith('.piksel/') && !path.endsWith('piksel-answers.yaml'))
    .flatMap(([file, text]) => parseAllDocuments(text).map((d) => ({ file, doc: d.toJS() as Doc })))
    .filter(({ doc }) => doc && typeof doc === 'object' && typeof doc.kind === 'string');
}

const ofKind = (files: ReadonlyMap<string, string>, kind: string) => objects(files).filter(({ doc }) => doc.kind === kind);

/** A cluster's Flux Kustomization, by name, from clusters/<cluster>/*.yaml. */
const fluxKustomization = (files: ReadonlyMap<string, string>, cluster: string, name: string): Doc =>
  objects(files).find(({ file, doc }) => file.startsWith(`clusters/${cluster}/`) && doc.kind === 'Kustomization' && doc.metadata.name === name)!.doc;

/** ${VAR} as Flux fills it in from postBuild.substitute. */
const substituted = (text: string, vars: Record<string, string>) => text.replace(/\$\{(\w+)\}/g, (_, v: string) => vars[v] ?? `\${${v}}`);

const HOSTS = ['argo', 'jupyter', 'grafana', 'explorer', 'ows', 'stac', 'stac-browser', 'maps', 'tiles'];

afterAll(removeRepositories);

describe('--yes: the Envoy Gateway edge', () => {
  it('is the default: Envoy Gateway from its OCI chart, a Gateway, no ingress-nginx and no Ingress', async () => {
    const { files, selection } = await render();
    expect(selection.names.has('envoy-gateway')).toBe(true);
    expect(selection.names.has('gateway')).toBe(true);
    expect(selection.names.has('ingress-nginx')).toBe(false);
    expect([...files.keys()].filter((p) => /ingress/.test(p))).toEqual([]);
    expect(ofKind(files, 'Ingress')).toEqual([]);
    const [source] = ofKind(files, 'OCIRepository').filter(({ doc }) => doc.metadata.namespace === 'envoy-gateway-system');
    expect(source!.doc.spec).toMatchObject({ url: 'oci://docker.io/envoyproxy/gateway-helm', ref: { tag: 'v1.9.0' } });
    const release = ofKind(files, 'HelmRelease').find(({ doc }) => doc.metadata.name === 'envoy-gateway')!.doc;
    expect(release.spec.chartRef).toEqual({ kind: 'OCIRepository', name: source!.doc.metadata.name });
    expect(release.spec.install.crds).toBe('CreateReplace');
    expect(release.spec.upgrade.crds).toBe('CreateReplace');
  });

  it('serves every app host through an HTTPRoute on its own HTTPS listener, with a certificate cert-manager issues for it', async () => {
    const { files } = await render();
    const configs = fluxKustomization(files, 'development', 'infra-configs');
    const gatewayFile = substituted(files.get('infrastructure/configs/gateway.yaml')!, configs.spec.postBuild.substitute);
    const gateway = parseAllDocuments(gatewayFile).map((d) => d.toJS() as Doc).find((d) => d.kind === 'Gateway')!;
    expect(gateway.metadata.annotations['cert-manager.io/cluster-issuer']).toBe('letsencrypt-staging');
    const listeners = new Map<string, Doc>(gateway.spec.listeners.map((l: Doc) => [l.name, l]));
    const routes = ofKind(files, 'HTTPRoute').filter(({ doc }) => doc.metadata.namespace !== 'envoy-gateway-system');
    expect(routes.map(({ doc }) => doc.spec.hostnames[0]).sort()).toEqual(HOSTS.map((h) => `${h}.dev.piksel.example.org`).sort());
    for (const { doc: route } of routes) {
      const [parent] = route.spec.parentRefs;
      expect(parent).toMatchObject({ name: gateway.metadata.name, namespace: gateway.metadata.namespace });
      const listener = listeners.get(parent.sectionName)!;
      expect(listener, parent.sectionName).toBeDefined();
      expect(listener.protocol).toBe('HTTPS');
      expect(listener.hostname).toBe(route.spec.hostnames[0]);
      expect(listener.tls.certificateRefs).toHaveLength(1);
      // Only the app's own namespace may attach a route to its host.
      expect(listener.allowedRoutes.namespaces).toEqual({ from: 'Selector', selector: { matchLabels: { 'kubernetes.io/metadata.name': route.metadata.namespace } } });
      // The backend is a Service of the app's namespace (charts' Services are named by the chart).
      const backend = route.spec.rules[0].backendRefs[0];
      expect(backend.port).toBeGreaterThan(0);
      const ownService = ofKind(files, 'Service').find(({ doc }) => doc.metadata.name === backend.name && doc.metadata.namespace === route.metadata.namespace);
      if (ownService) expect(ownService.doc.spec.ports.map((p: Doc) => p.port)).toContain(backend.port);
    }
    // Plain HTTP: redirected to HTTPS for exactly these hosts, so each host's HTTP-01 route shares the virtual host.
    const redirect = parseAllDocuments(gatewayFile).map((d) => d.toJS() as Doc).find((d) => d.kind === 'HTTPRoute')!;
    expect(redirect.spec.hostnames.sort()).toEqual(routes.map(({ doc }) => doc.spec.hostnames[0]).sort());
  });

  it('solves HTTP-01 through an HTTPRoute on the Gateway, with cert-manager’s Gateway API support switched on once Envoy Gateway is there', async () => {
    const { files } = await render();
    for (const { doc } of ofKind(files, 'ClusterIssuer'))
      expect(doc.spec.acme.solvers).toEqual([
        { http01: { gatewayHTTPRoute: { parentRefs: [{ kind: 'Gateway', name: 'edge', namespace: 'envoy-gateway-system', sectionName: 'http' }] } } },
      ]);
    const controllers = fluxKustomization(files, 'development', 'infra-controllers');
    const patch = controllers.spec.patches.find((p: Doc) => p.target.name === 'cert-manager');
    const patched = parseAllDocuments(patch.patch)[0]!.toJS() as Doc;
    expect(patched.spec.values.config).toEqual({ gatewayAPI: { enabled: true } });
    expect(patched.spec.dependsOn).toEqual([{ name: 'envoy-gateway', namespace: 'envoy-gateway-system' }]);
  });

  it('gives notebooks (websockets) and OWS their nginx timeouts as policies, and every other route nginx’s defaults', async () => {
    const { files } = await render();
    const policies = ofKind(files, 'BackendTrafficPolicy').map(({ doc }) => doc);
    const byTarget = new Map(policies.map((p) => [`${p.spec.targetRefs[0].kind}/${p.spec.targetRefs[0].name}`, p.spec.timeout.http]));
    expect(byTarget.get('Gateway/edge')).toEqual({ requestTimeout: '0s', streamIdleTimeout: '60s' });
    expect(byTarget.get('HTTPRoute/proxy-public')).toEqual({ requestTimeout: '0s', streamIdleTimeout: '3600s' });
    expect(byTarget.get('HTTPRoute/ows')).toEqual({ requestTimeout: '0s', streamIdleTimeout: '120s' });
    expect(policies).toHaveLength(3);
    // A policy sits beside the route it targets.
    for (const p of policies.filter((p) => p.spec.targetRefs[0].kind === 'HTTPRoute'))
      expect(ofKind(files, 'HTTPRoute').some(({ doc }) => doc.metadata.name === p.metadata.name && doc.metadata.namespace === p.metadata.namespace)).toBe(true);
  });
});

// Upstream's CRDs (test/fixtures, see each SOURCE.md) and, where present, Flux's (../shared).
const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const FLUX_CRDS_DIR = fileURLToPath(new URL('../../../shared/fixtures/flux-crds-v2.9/', import.meta.url));

async function crdsOf(dir: string): Promise<string> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.yaml')).sort();
  const texts = await Promise.all(names.map((n) => readFile(join(dir, n), 'utf8')));
  return texts.map((t) => `---\n${t.replace(/^---\n/, '')}`).join('');
}

/** The repository with the CRDs where validate reads a cluster's CRDs (what bootstrap and the charts install). */
async function withCrds(files: ReadonlyMap<string, string>): Promise<Files> {
  const crds = [await crdsOf(join(FIXTURES, 'gateway-api-v1.6.1')), await crdsOf(join(FIXTURES, 'envoy-gateway-v1.9.0')), await crdsOf(FLUX_CRDS_DIR)].join('');
  const out = new Map(files);
  for (const cluster of new Set([...files.keys()].flatMap((p) => /^clusters\/([^/]+)\//.exec(p)?.[1] ?? [])))
    out.set(`clusters/${cluster}/flux-system/gotk-components.yaml`, crds);
  return out;
}

describe('the strict schemas of Gateway API v1.6.1 and Envoy Gateway v1.9.0', () => {
  it('pass for --yes, after kustomize builds and Flux substitution', async () => {
    const { files } = await render();
    const report = await validate(await writeRepository(await withCrds(files)));
    expect(report.findings.map((f) => `${f.file}:${f.line ?? ''} ${f.message}`)).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('catch a route that names a field Gateway API does not have', async () => {
    const { files } = await render();
    const broken = new Map(await withCrds(files));
    const path = 'apps/development/terria/httproute.yaml';
    broken.set(path, broken.get(path)!.replace('  hostnames:', '  hostname:'));
    const report = await validate(await writeRepository(broken));
    expect(report.findings.some((f) => f.file === path && f.severity === 'error' && /hostname/.test(f.message))).toBe(true);
  });
});

describe('an ingress-nginx repository', () => {
  /** Stored answers as a repository generated before `ingress.controller` existed holds them. */
  const storedBefore = () => {
    const { ingress: _, ...stored } = parseAnswers({ components: { controllers: ['cert-manager', 'ingress-nginx', 'db-proxy', 'notifications', 'nvidia-device-plugin'] } });
    return JSON.parse(JSON.stringify(stored)) as Record<string, unknown>;
  };

  it('keeps ingress-nginx on re-run: stored answers that predate the answer mean the edge they were made with', () => {
    const answers = parseAnswers(keepStoredEdge(storedBefore()));
    expect(answers.ingress.controller).toBe('ingress-nginx');
    expect(selectComponents(answers).names.has('envoy-gateway')).toBe(false);
    // Answers that have it are left as they are.
    expect(keepStoredEdge({ ingress: { controller: 'envoy-gateway' } })).toEqual({ ingress: { controller: 'envoy-gateway' } });
  });

  it('keeps ingress-nginx listed when a re-run switches the edge, even if the stored answers never listed controllers', () => {
    const { components: _, ...before } = storedBefore();
    const stored = keepStoredEdge(before);
    const kept = parseAnswers(keepEdgeWhileMoving(stored, { ...stored, ingress: { controller: 'envoy-gateway' } }));
    expect([...selectComponents(kept).names].filter((n) => ['envoy-gateway', 'ingress-nginx'].includes(n)).sort()).toEqual(['envoy-gateway', 'ingress-nginx']);
  });

  it('gets an end-of-life warning from validate naming the successor; the Envoy Gateway repository none', async () => {
    const nginx = await render({ ingress: { controller: 'ingress-nginx' } });
    const report = await validate(await writeRepository(nginx.files));
    const eol = report.findings.filter((f) => /end of life/.test(f.message));
    expect(eol.map((f) => `${f.file} ${f.object}`).sort()).toEqual([
      'infrastructure/controllers/ingress-nginx.yaml HelmRelease/ingress-nginx/ingress-nginx',
      'infrastructure/controllers/ingress-nginx.yaml HelmRepository/ingress-nginx/ingress-nginx',
    ]);
    expect(eol.every((f) => f.severity === 'warning' && /Envoy Gateway/.test(f.hint ?? ''))).toBe(true);
    expect(report.ok).toBe(true);
    const envoy = await validate(await writeRepository((await render()).files));
    expect(envoy.findings.filter((f) => /end of life/.test(f.message))).toEqual([]);
  });
});

describe('a repository with cert-manager and no app', () => {
  it('still gets a valid Gateway: the plain-HTTP listener for HTTP-01, no redirect of hosts it does not have', async () => {
    const { files } = await render({ components: { controllers: ['cert-manager'], apps: [] } });
    expect(files.has('infrastructure/configs/gateway.yaml')).toBe(true);
    const report = await validate(await writeRepository(await withCrds(files)));
    expect(report.findings.map((f) => `${f.file}:${f.line ?? ''} ${f.message}`)).toEqual([]);
  });
});

describe('per-cluster edges', () => {
  const fleet = {
    clusters: [{ name: 'development' }, { name: 'production', domain: 'prod.piksel.example.org', ingress: { controller: 'ingress-nginx' } }],
  };

  it('give each cluster its own edge from the shared folders: the other edge is removed by its Kustomization', async () => {
    const { files } = await render(fleet);
    expect(files.get('apps/production/argo/release-patch.yaml')).toContain('ingressClassName: nginx');
    expect(files.has('apps/production/argo/httproute.yaml')).toBe(false);
    expect(files.has('apps/development/argo/httproute.yaml')).toBe(true);
    const deleted = (cluster: string, name: string) =>
      fluxKustomization(files, cluster, name)
        .spec.patches?.filter((p: Doc) => /\$patch: delete/.test(p.patch))
        .map((p: Doc) => `${p.target.kind}/${p.target.name}`)
        .sort();
    expect(deleted('production', 'infra-controllers')).toEqual(['HelmRelease/envoy-gateway', 'Namespace/envoy-gateway-system', 'OCIRepository/gateway-helm']);
    expect(deleted('development', 'infra-controllers')).toEqual(['HelmRelease/ingress-nginx', 'HelmRepository/ingress-nginx', 'Namespace/ingress-nginx']);
    expect(deleted('production', 'infra-configs')).toEqual(['BackendTrafficPolicy/edge-defaults', 'EnvoyProxy/edge-proxy', 'Gateway/edge', 'GatewayClass/envoy-gateway', 'HTTPRoute/https-redirect']);
    // The production issuers solve through nginx.
    const issuerPatch = fluxKustomization(files, 'production', 'infra-configs').spec.patches.find((p: Doc) => p.target.kind === 'ClusterIssuer');
    expect(issuerPatch.patch).toContain('ingressClassName: nginx');
    const report = await validate(await writeRepository(await withCrds(files)));
    expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });
});

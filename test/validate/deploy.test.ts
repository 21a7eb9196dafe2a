import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { checkDeployability, expectedFromAnswers, floatingImage, type DeployCluster, type ExpectedObjects } from '../../src/validate/deploy.js';
import type { Finding, LocatedObject } from '../../src/validate/types.js';
import { isObjectDoc, parseYamlFile } from '../../src/validate/yaml.js';
import { renderDefault } from './support.js';

/** Objects as a build would locate them: each document of `text`, pointing at its lines. */
function objects(file: string, text: string): LocatedObject[] {
  return parseYamlFile(file, text).docs.filter(isObjectDoc).map((d) => ({ object: d.value, file, line: d.line, source: d }));
}

const NONE: ExpectedObjects = { secrets: new Set(), storageClasses: () => new Set(), known: true };

/** One cluster whose root build holds `text`. */
const cluster = (text: string, file = 'apps/app.yaml'): DeployCluster => {
  const all = objects(file, text);
  return { name: 'dev', objects: all, builds: [{ objects: all }] };
};

const check = (text: string, expected: ExpectedObjects = NONE) => checkDeployability(cluster(text), expected);
const brief = (findings: Finding[]) => findings.map((f) => `${f.severity} ${f.line}: ${f.message}`);

const deployment = (pod: Record<string, unknown>, namespace = 'app') =>
  stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace },
    spec: { template: { spec: { containers: [{ name: 'web', image: 'ghcr.io/example/web:1.0.0' }], ...pod } } },
  });

describe('floatingImage', () => {
  it.each([
    ['nginx', 'has no tag (Kubernetes pulls :latest)'],
    ['nginx:latest', 'uses the tag latest'],
    ['localhost:5000/app', 'has no tag (Kubernetes pulls :latest)'],
    ['ghcr.io/a/b:', 'has an empty tag'],
    ['localhost:5000/app:1.2', undefined],
    ['ghcr.io/a/b@sha256:0123abcd', undefined],
    ['${IMAGE}', undefined],
  ])('%s → %s', (image, problem) => expect(floatingImage(image)).toBe(problem));
});

describe('deploy: references', () => {
  it('reports a Secret nobody creates, at the line of its name', () => {
    const text = deployment({ containers: [{ name: 'web', image: 'web:1.0', env: [{ name: 'P', valueFrom: { secretKeyRef: { name: 'web-db', key: 'password' } } }] }] });
    const [finding] = check(text);
    expect(finding).toMatchObject({ severity: 'error', check: 'deploy', object: 'Deployment/app/web', file: 'apps/app.yaml' });
    expect(finding!.message).toBe("Secret 'app/web-db' is not created in cluster dev: the pods cannot start");
    expect(text.split('\n')[finding!.line! - 1]).toMatch(/name: web-db$/);
  });

  it('reports a Secret read by several objects once, at its first reader', () => {
    const reads = (name: string) =>
      stringify({
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name, namespace: 'app' },
        spec: { template: { spec: { containers: [{ name, image: 'job:1', env: ['USER', 'PASSWORD'].map((k) => ({ name: k, valueFrom: { secretKeyRef: { name: 'app-db', key: k } } })) }] } } },
      });
    expect(check([reads('first'), reads('second'), reads('third')].join('---\n')).map((f) => [f.object, f.message])).toEqual([
      ['Job/app/first', "Secret 'app/app-db' is not created in cluster dev: the pods cannot start (2 more objects read it)"],
    ]);
  });

  it('accepts Secrets the answers list, the repository creates, or cert-manager issues; skips optional ones', () => {
    const pod = {
      volumes: [
        { name: 'a', secret: { secretName: 'from-answers' } },
        { name: 'b', secret: { secretName: 'in-git' } },
        { name: 'c', secret: { secretName: 'web-tls' } },
        { name: 'd', secret: { secretName: 'maybe', optional: true } },
      ],
    };
    const text = [
      deployment(pod),
      stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'in-git', namespace: 'app' }, sops: { version: '3' } }),
      stringify({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', namespace: 'app' }, spec: { tls: [{ secretName: 'web-tls' }] } }),
    ].join('---\n');
    expect(brief(check(text, { ...NONE, secrets: new Set(['app/from-answers']) }))).toEqual([]);
  });

  it('needs ConfigMaps and ServiceAccounts in the same namespace; the default ServiceAccount always exists', () => {
    const text = [
      deployment({ serviceAccountName: 'web', containers: [{ name: 'web', image: 'web:1.0', envFrom: [{ configMapRef: { name: 'settings' } }] }] }),
      stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'other' } }),
      deployment({ serviceAccountName: 'default' }, 'quiet'),
    ].join('---\n');
    expect(brief(check(text)).map((f) => f.replace(/^\S+ \d+: /, ''))).toEqual([
      "ServiceAccount 'app/web' is not created in cluster dev: the pods cannot start",
      "ConfigMap 'app/settings' is not created in cluster dev: the pods cannot start",
    ]);
  });

  it('checks HelmRelease valuesFrom and CronJob pod templates', () => {
    const text = [
      stringify({
        apiVersion: 'helm.toolkit.fluxcd.io/v2',
        kind: 'HelmRelease',
        metadata: { name: 'hub', namespace: 'hub' },
        spec: { install: { strategy: { name: 'RetryOnFailure' } }, upgrade: { strategy: { name: 'RetryOnFailure' } }, valuesFrom: [{ kind: 'Secret', name: 'hub-auth' }, { kind: 'ConfigMap', name: 'x', optional: true }] },
      }),
      stringify({
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: 'nightly', namespace: 'ops' },
        spec: { jobTemplate: { spec: { template: { spec: { imagePullSecrets: [{ name: 'registry' }], containers: [{ name: 'job', image: 'job:2' }] } } } } },
      }),
    ].join('---\n');
    expect(brief(check(text)).map((f) => f.replace(/^\S+ \d+: /, ''))).toEqual([
      "Secret 'hub/hub-auth' is not created in cluster dev: the HelmRelease cannot render its values",
      "Secret 'ops/registry' is not created in cluster dev: the pods cannot start",
    ]);
  });

  it('makes a missing Secret a warning when there are no answers to say which Secrets live only in the cluster', () => {
    const text = deployment({ imagePullSecrets: [{ name: 'registry' }] });
    expect(check(text, { ...NONE, known: false }).map((f) => f.severity)).toEqual(['warning']);
  });

  it('warns about a StorageClass neither created nor in the answers', () => {
    const claim = (storageClassName: string) => stringify({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: storageClassName, namespace: 'app' }, spec: { storageClassName } });
    const text = [claim('gp2'), claim('gp3'), claim('fast'), stringify({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast' } })].join('---\n');
    const findings = check(text, { ...NONE, storageClasses: (c) => new Set(c === 'dev' ? ['gp3'] : []) });
    expect(findings.map((f) => [f.severity, f.object])).toEqual([['warning', 'PersistentVolumeClaim/app/gp2']]);
  });
});

describe('deploy: HelmRelease remediation', () => {
  const release = (spec: Record<string, unknown>) =>
    stringify({ apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'r', namespace: 'r' }, spec: { chart: { spec: { chart: 'r' } }, ...spec } });

  it('reports retries without RetryOnFailure, naming each phase', () => {
    expect(check(release({ install: { remediation: { retries: 3 } }, upgrade: { strategy: { name: 'RetryOnFailure' } } })).map((f) => f.message)).toEqual([
      'a failed install stalls the release (install after 3 retries): without strategy RetryOnFailure, helm-controller stops until the HelmRelease changes',
    ]);
    expect(check(release({})).map((f) => f.message)).toEqual([
      'a failed install or upgrade stalls the release (install after its first failure, upgrade after its first failure): without strategy RetryOnFailure, helm-controller stops until the HelmRelease changes',
    ]);
  });

  it('accepts RetryOnFailure and unlimited retries', () => {
    expect(check(release({ install: { strategy: { name: 'RetryOnFailure' } }, upgrade: { remediation: { retries: -1 } } }))).toEqual([]);
  });

  it('reports an image with tag latest (or empty) in the values, not one that leaves the tag to the chart', () => {
    const ok = { install: { strategy: { name: 'RetryOnFailure' } }, upgrade: { strategy: { name: 'RetryOnFailure' } } };
    const values = { singleuser: { image: { name: 'pangeo', tag: 'latest' } }, proxy: { image: { repository: 'chp' } }, sidecar: { image: 'busybox:latest' }, other: [{ image: { repository: 'x', tag: '' } }] };
    expect(check(release({ ...ok, values })).map((f) => f.message)).toEqual([
      "image 'pangeo' in the values uses the tag latest",
      "image 'busybox:latest' in the values uses the tag latest",
      "image 'x' in the values has an empty tag",
    ]);
  });
});

describe('deploy: apps that connect to db-proxy', () => {
  const ks = (name: string, path: string, dependsOn: string[] = []) =>
    objects(`clusters/dev/${name}.yaml`, stringify({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name, namespace: 'flux-system' }, spec: { path, dependsOn: dependsOn.map((d) => ({ name: d })) } }))[0]!;
  const client = objects(
    'apps/base/odc/ows.yaml',
    deployment({ containers: [{ name: 'ows', image: 'ows:1.9', env: [{ name: 'DB_HOST', value: 'db-proxy.database.svc.cluster.local' }] }] }, 'odc'),
  );
  const proxy = objects('infrastructure/database/db-proxy.yaml', stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'db-proxy', namespace: 'database' } }));
  const withApp = (app: LocatedObject, database: LocatedObject | undefined, ...others: LocatedObject[]): DeployCluster => {
    const builds = [{ objects: client, owner: app }, ...(database ? [{ objects: proxy, owner: database }] : []), ...others.map((owner) => ({ objects: [], owner }))];
    return { name: 'dev', objects: builds.flatMap((b) => b.objects), builds };
  };
  const database = ks('database', './infrastructure/database');

  it('accepts dependsOn database, directly or through the schema Kustomization', () => {
    expect(checkDeployability(withApp(ks('odc', './apps/dev/odc', ['database']), database), NONE)).toEqual([]);
    expect(checkDeployability(withApp(ks('odc', './apps/dev/odc', ['odc-schema']), database, ks('odc-schema', './infrastructure/schemas/odc', ['database'])), NONE)).toEqual([]);
  });

  it('reports an app Kustomization whose dependsOn does not reach database', () => {
    const findings = checkDeployability(withApp(ks('odc', './apps/dev/odc', ['monitoring']), database, ks('monitoring', './apps/dev/monitoring')), NONE);
    expect(findings.map((f) => [f.object, f.message])).toEqual([
      ['Kustomization/flux-system/odc', 'applies Deployment/odc/web, which connects to db-proxy, but its dependsOn does not reach Kustomization database in cluster dev'],
    ]);
    expect(findings[0]!.hint).toMatch(/add dependsOn: \[\{ name: database \}\]/);
  });

  it('reports a cluster without the database layer', () => {
    expect(checkDeployability(withApp(ks('odc', './apps/dev/odc'), undefined), NONE).map((f) => f.message)).toEqual([
      'applies Deployment/odc/web, which connects to db-proxy, but no Kustomization of cluster dev applies the database layer (./infrastructure/database)',
    ]);
  });
});

describe('expectedFromAnswers', () => {
  it("lists the default repository's Secrets, created at bootstrap, by the operator or by charts", async () => {
    const text = (await renderDefault()).get('piksel-answers.yaml')!;
    const { expected, findings } = expectedFromAnswers({ path: 'piksel-answers.yaml', text });
    expect(findings).toEqual([]);
    expect(expected.known).toBe(true);
    expect([...expected.secrets]).toEqual(expect.arrayContaining(['database/database-admin', 'odc/odc-db', 'database/odc-db']));
  });

  it('reads the aws StorageClass of each cluster', () => {
    const text = stringify({ clusters: [{ name: 'prod', domain: 'example.org', cloud: 'aws', aws: { region: 'eu-west-1', storageClass: 'gp3-encrypted' } }] });
    const { expected, findings } = expectedFromAnswers({ path: 'piksel-answers.yaml', text });
    expect(findings.map((f) => f.message)).toEqual([]);
    expect([...expected.storageClasses('prod')]).toEqual(['gp3-encrypted']);
    expect([...expected.storageClasses('other')]).toEqual([]);
  });

  it('warns (and expects nothing) when the answers do not parse', () => {
    const { expected, findings } = expectedFromAnswers({ path: 'piksel-answers.yaml', text: 'clusters: 7\n' });
    expect(expected.known).toBe(false);
    expect(findings.map((f) => [f.severity, f.check, f.file])).toEqual([['warning', 'deploy', 'piksel-answers.yaml']]);
  });

  it('expects nothing without an answers file', () => {
    expect(expectedFromAnswers(undefined)).toMatchObject({ expected: { known: false }, findings: [] });
  });
});

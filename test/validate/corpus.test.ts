import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Check, Finding, ValidationReport } from '../../src/validate/index.js';
import { addListedFile, defaultFiles, editDoc, findDoc, isKind, removeRepositories, validate, writeRepository, type Files } from './support.js';

/**
 * The corpus of broken repositories: each is the rendered default repository with one planted
 * defect. `plant` edits the tree and returns the file the finding must name.
 */
interface BrokenCase {
  readonly name: string;
  readonly plant: (files: Files) => string;
  readonly check: Check;
  readonly message: RegExp;
  /** More to assert on the same report. */
  readonly also?: (report: ValidationReport, files: Files) => void;
}

const FLUX_KS = 'kustomize.toolkit.fluxcd.io';
const fluxKustomization = (files: Files, name?: string) =>
  findDoc(files, `Flux Kustomization${name ? ` ${name}` : ''}`, (v) => isKind('Kustomization', FLUX_KS)(v) && (name === undefined || (v.metadata as { name?: string }).name === name));
const helmRelease = (files: Files) => findDoc(files, 'HelmRelease with chart.spec', (v) => isKind('HelmRelease', 'helm.toolkit.fluxcd.io')(v) && (v.spec as { chart?: unknown }).chart !== undefined);
const helmRepository = (files: Files) => findDoc(files, 'HelmRepository', isKind('HelmRepository', 'source.toolkit.fluxcd.io'));
/** The pod template fields the deploy cases edit. */
interface PodTemplated {
  spec: { template: { spec: { containers: { image: string; env?: { valueFrom?: { secretKeyRef?: unknown } }[] }[] } } };
}
const deploymentReadingSecret = (files: Files) =>
  findDoc(files, 'Deployment whose first container reads a Secret', (v) =>
    isKind('Deployment', 'apps')(v) && ((v as unknown as PodTemplated).spec.template.spec.containers[0]?.env ?? []).some((e) => e.valueFrom?.secretKeyRef !== undefined),
  );
const WEBHOOK = ['https://hooks.slack.com/services', 'T0PIKSEL1', 'B0PIKSEL2', 'q1w2e3r4t5y6u7i8o9p0a1s2'].join('/');

const CASES: readonly BrokenCase[] = [
  {
    name: 'missing listed resource',
    plant: (files) => {
      const k = 'infrastructure/controllers/kustomization.yaml';
      editDoc(files, { file: k, index: 0 }, (doc) => doc.addIn(['resources'], 'ghost-controller.yaml'));
      return k;
    },
    check: 'kustomize',
    message: /resources entry 'ghost-controller\.yaml' does not exist/,
  },
  {
    name: 'unknown dependsOn',
    plant: (files) => {
      const apps = fluxKustomization(files, 'apps');
      editDoc(files, apps, (doc) => doc.setIn(['spec', 'dependsOn'], [{ name: 'infra-confgs' }]));
      return apps.file;
    },
    check: 'graph',
    message: /dependsOn 'flux-system\/infra-confgs' names no Kustomization/,
  },
  {
    name: 'dependsOn cycle',
    plant: (files) => {
      const first = fluxKustomization(files, 'infra-controllers');
      editDoc(files, first, (doc) => doc.setIn(['spec', 'dependsOn'], [{ name: 'apps' }]));
      return fluxKustomization(files, 'apps').file;
    },
    check: 'graph',
    message: /dependsOn cycle: apps → infra-configs → infra-controllers → apps/,
  },
  {
    name: 'removed API version',
    plant: (files) => {
      const hr = helmRelease(files);
      editDoc(files, hr, (doc) => doc.set('apiVersion', 'helm.toolkit.fluxcd.io/v2beta1'));
      return hr.file;
    },
    check: 'api-version',
    message: /HelmRelease helm\.toolkit\.fluxcd\.io\/v2beta1 is no longer served \(removed in Flux 2\.7\): use helm\.toolkit\.fluxcd\.io\/v2/,
  },
  {
    name: 'wrong field type',
    plant: (files) => {
      const ks = fluxKustomization(files, 'infra-controllers');
      editDoc(files, ks, (doc) => doc.setIn(['spec', 'prune'], 'yes'));
      return ks.file;
    },
    check: 'schema',
    message: /spec\.prune must be a boolean, not string "yes"/,
    also: (report, files) => {
      // The line is the one of the field itself.
      const finding = report.findings.find((f) => f.message.includes('spec.prune'))!;
      expect(files.get(finding.file)!.split('\n')[finding.line! - 1]).toMatch(/^\s+prune: yes$/);
    },
  },
  {
    name: 'unknown field',
    plant: (files) => {
      const hr = helmRelease(files);
      editDoc(files, hr, (doc) => doc.setIn(['spec', 'relaseName'], 'renamed'));
      return hr.file;
    },
    check: 'schema',
    message: /unknown field 'relaseName' in spec/,
  },
  {
    name: 'bad duration',
    plant: (files) => {
      const repo = helmRepository(files);
      editDoc(files, repo, (doc) => doc.setIn(['spec', 'interval'], '1d'));
      return repo.file;
    },
    check: 'schema',
    message: /spec\.interval "1d" is not a duration/,
  },
  {
    name: 'Kustomization path missing',
    plant: (files) => {
      const apps = fluxKustomization(files, 'apps');
      editDoc(files, apps, (doc) => doc.setIn(['spec', 'path'], './apps/staging'));
      return apps.file;
    },
    check: 'graph',
    message: /spec\.path \.\/apps\/staging does not exist in the repository/,
  },
  {
    name: 'chart source missing',
    plant: (files) => {
      const hr = helmRelease(files);
      editDoc(files, hr, (doc) => doc.setIn(['spec', 'chart', 'spec', 'sourceRef', 'name'], 'no-such-charts'));
      return hr.file;
    },
    check: 'graph',
    message: /chart source HelmRepository '[a-z-]+\/no-such-charts' does not exist/,
  },
  {
    name: 'YAML syntax error',
    plant: (files) => {
      const file = fluxKustomization(files, 'apps').file;
      files.set(file, `${files.get(file)!}\nspec: [unclosed\n`);
      return file;
    },
    check: 'yaml',
    message: /YAML syntax error/,
  },
  {
    name: 'duplicate key',
    plant: (files) => {
      const file = 'infrastructure/controllers/kustomization.yaml';
      files.set(file, `${files.get(file)!}kind: Kustomization\n`);
      return file;
    },
    check: 'yaml',
    message: /duplicate key/,
  },
  {
    name: 'duplicate key in a cluster file (and no false graph errors from it)',
    plant: (files) => {
      const file = fluxKustomization(files, 'apps').file;
      files.set(file, files.get(file)!.replace(/^(spec:\n)/m, '$1  prune: true\n'));
      return file;
    },
    check: 'yaml',
    message: /duplicate key/,
    also: (report) => expect(report.findings.filter((f) => f.check === 'graph').map(describeFinding)).toEqual([]),
  },
  {
    name: 'plaintext Secret',
    plant: (files) => {
      const file = 'infrastructure/controllers/database-credentials.yaml';
      addListedFile(files, file, 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: database-credentials\n  namespace: flux-system\nstringData:\n  password: hunter2\n');
      return file;
    },
    check: 'secrets',
    message: /Secret has stringData in plain text \(no sops block\)/,
  },
  {
    name: 'leaked Slack webhook',
    plant: (files) => {
      files.set('README.md', `${files.get('README.md') ?? ''}\nAlerts go to ${WEBHOOK}\n`);
      return 'README.md';
    },
    check: 'secrets',
    message: /a Slack incoming-webhook URL is committed in this file/,
    also: (report, files) => {
      // Where it is, never what it is.
      const finding = report.findings.find((f) => f.check === 'secrets' && f.file === 'README.md')!;
      expect(files.get('README.md')!.split('\n')[finding.line! - 1]).toContain('hooks.slack.com');
      expect(JSON.stringify(report)).not.toContain('q1w2e3r4t5y6u7i8o9p0a1s2');
    },
  },
  {
    name: 'GitHub token in a comment',
    plant: (files) => {
      const file = helmRepository(files).file;
      files.set(file, `# token: ghp_${'a1B2c3D4e5'.repeat(3)}abcdef\n${files.get(file)!}`);
      return file;
    },
    check: 'secrets',
    message: /a GitHub token is committed/,
  },
  {
    name: 'Alert provider missing',
    plant: (files) => {
      const alert = findDoc(files, 'Alert', isKind('Alert', 'notification.toolkit.fluxcd.io'));
      editDoc(files, alert, (doc) => doc.setIn(['spec', 'providerRef', 'name'], 'teams'));
      return alert.file;
    },
    check: 'graph',
    message: /providerRef 'teams' names no Provider/,
  },
  {
    name: 'Alert event source in a namespace that does not exist',
    plant: (files) => {
      const alert = findDoc(files, 'Alert', isKind('Alert', 'notification.toolkit.fluxcd.io'));
      editDoc(files, alert, (doc) => doc.addIn(['spec', 'eventSources'], { kind: 'HelmRelease', name: '*', namespace: 'podinfo' }));
      return alert.file;
    },
    check: 'graph',
    message: /eventSources namespace 'podinfo' is not created/,
  },
  {
    name: 'namespace not created',
    plant: (files) => {
      const hr = helmRelease(files);
      const ns = String((hr.value.metadata as { namespace: string }).namespace);
      const namespace = findDoc(files, `Namespace ${ns}`, (v) => v.kind === 'Namespace' && (v.metadata as { name?: string }).name === ns);
      const docs = files.get(namespace.file)!.split(/^---\n/m);
      if (docs.filter((d) => d.trim()).length === 1) {
        files.delete(namespace.file);
        const k = `${namespace.file.slice(0, namespace.file.lastIndexOf('/'))}/kustomization.yaml`;
        const base = namespace.file.slice(namespace.file.lastIndexOf('/') + 1);
        files.set(k, files.get(k)!.replace(new RegExp(`^\\s*- ${base}\\n`, 'm'), ''));
      } else editDoc(files, namespace, (doc) => doc.setIn(['metadata', 'name'], `${ns}-renamed`));
      return '';
    },
    check: 'graph',
    message: /namespace '[a-z-]+' is not created in cluster development/,
  },
  {
    name: 'Flux Kustomization patch that does not apply',
    plant: (files) => {
      const ks = fluxKustomization(files, 'infra-controllers');
      editDoc(files, ks, (doc) =>
        doc.setIn(['spec', 'patches'], [{ target: { kind: 'HelmRelease' }, patch: '- op: replace\n  path: /spec/no/such/field\n  value: 1\n' }]),
      );
      return ks.file;
    },
    check: 'kustomize',
    message: /does not build as kustomize-controller would \(with this Kustomization's patches and settings\)/,
  },
  {
    name: 'Flux path without kustomization.yaml holding a non-manifest',
    plant: (files) => {
      files.delete('infrastructure/configs/kustomization.yaml');
      files.set('infrastructure/configs/notes.yaml', 'owner: platform team\n');
      return fluxKustomization(files, 'infra-configs').file;
    },
    check: 'kustomize',
    message: /path \.\/infrastructure\/configs does not build as kustomize-controller would/,
  },
  {
    name: 'workload reading a Secret nobody creates',
    plant: (files) => {
      const workload = deploymentReadingSecret(files);
      const env = (workload.value as unknown as PodTemplated).spec.template.spec.containers[0]!.env!;
      const i = env.findIndex((e) => e.valueFrom?.secretKeyRef);
      editDoc(files, workload, (doc) => doc.setIn(['spec', 'template', 'spec', 'containers', 0, 'env', i, 'valueFrom', 'secretKeyRef', 'name'], 'app-credentials'));
      return workload.file;
    },
    check: 'deploy',
    message: /Secret '[a-z-]+\/app-credentials' is not created in cluster development: the pods cannot start/,
    also: (report, files) => {
      const finding = report.findings.find((f) => f.check === 'deploy' && f.message.includes('app-credentials'))!;
      expect(files.get(finding.file)!.split('\n')[finding.line! - 1]).toMatch(/^\s+name: app-credentials$/);
    },
  },
  {
    name: 'HelmRelease with remediation retries and no RetryOnFailure',
    plant: (files) => {
      const hr = helmRelease(files);
      editDoc(files, hr, (doc) => {
        doc.setIn(['spec', 'install'], doc.createNode({ remediation: { retries: 3 } }));
        doc.setIn(['spec', 'upgrade'], doc.createNode({ remediation: { retries: 3 } }));
      });
      return hr.file;
    },
    check: 'deploy',
    message: /a failed install or upgrade stalls the release \(install after 3 retries, upgrade after 3 retries\)/,
  },
  {
    name: 'image tagged latest',
    plant: (files) => {
      const workload = deploymentReadingSecret(files);
      const image = (workload.value as unknown as PodTemplated).spec.template.spec.containers[0]!.image;
      editDoc(files, workload, (doc) => doc.setIn(['spec', 'template', 'spec', 'containers', 0, 'image'], image.replace(/:[^:/]+$/, ':latest')));
      return workload.file;
    },
    check: 'deploy',
    message: /image '[^']+:latest' of container [a-z-]+ uses the tag latest/,
  },
  {
    name: 'image without a tag',
    plant: (files) => {
      const workload = deploymentReadingSecret(files);
      const image = (workload.value as unknown as PodTemplated).spec.template.spec.containers[0]!.image;
      editDoc(files, workload, (doc) => doc.setIn(['spec', 'template', 'spec', 'containers', 0, 'image'], image.replace(/:[^:/]+$/, '')));
      return workload.file;
    },
    check: 'deploy',
    message: /image '[^':]+' of container [a-z-]+ has no tag/,
  },
  {
    name: 'app that connects to db-proxy without dependsOn database',
    plant: (files) => {
      const app = fluxKustomization(files, 'odc');
      editDoc(files, app, (doc) => doc.deleteIn(['spec', 'dependsOn']));
      return app.file;
    },
    check: 'deploy',
    message: /applies [A-Za-z]+\/odc\/[a-z-]+, which connects to db-proxy, but its dependsOn does not reach Kustomization database in cluster development/,
  },
];

const describeFinding = (f: Finding) => `${f.file}:${f.line ?? ''} ${f.severity} [${f.check}] ${f.object ?? ''} ${f.message}`;

// Temporary repositories go when the whole file is done (tests of a file run concurrently).
afterAll(removeRepositories);

describe('validate: the rendered default repository', () => {
  let report: ValidationReport;
  beforeAll(async () => {
    // No cache: "every check run" means run now (other files of the run fill the shared cache, and
    // a reused cluster would count no objects).
    report = await validate(await writeRepository(await defaultFiles()), { cacheDir: undefined });
  });
  it('is valid, with every check run', () => {
    expect(report.findings.filter((f) => f.severity === 'error').map(describeFinding)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.stats.builds).toBeGreaterThan(0);
    expect(report.stats.objects).toBeGreaterThan(10);
  });

  it('has no warnings either', () => {
    expect(report.findings.map(describeFinding)).toEqual([]);
  });
});

describe.concurrent('validate: the corpus of broken repositories', () => {
  it('has at least 12 cases', () => expect(CASES.length).toBeGreaterThanOrEqual(12));

  for (const c of CASES) {
    it(`catches: ${c.name}`, async () => {
      const files = await defaultFiles();
      const file = c.plant(files);
      const report = await validate(await writeRepository(files));
      expect(report.ok).toBe(false);
      const matching = report.findings.filter((f) => f.check === c.check && f.severity === 'error' && c.message.test(f.message));
      expect(matching.map(describeFinding), `findings were:\n${report.findings.map(describeFinding).join('\n')}`).not.toEqual([]);
      if (file) expect(matching.map((f) => f.file)).toContain(file);
      expect(matching.every((f) => f.hint.length > 0)).toBe(true);
      c.also?.(report, files);
    });
  }
});

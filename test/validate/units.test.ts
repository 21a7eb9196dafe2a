import { describe, expect, it } from 'vitest';
import { checkApiVersion } from '../../src/validate/api-versions.js';
import { generatedResources, clusterRootRequest, cleanKustomizeError } from '../../src/validate/builds.js';
import { checkDurations } from '../../src/validate/durations.js';
import { findCycles } from '../../src/validate/graph.js';
import { checkObjectBasics } from '../../src/validate/metadata.js';
import { RepoIndex } from '../../src/validate/repo-paths.js';
import { strictify } from '../../src/validate/schema/openapi.js';
import { scanTextForTokens } from '../../src/validate/secrets.js';
import { parseYamlFile } from '../../src/validate/yaml.js';

describe('API versions (Flux 2.9)', () => {
  const object = (apiVersion: string, kind: string) => ({ apiVersion, kind, metadata: { name: 'x' } });
  it.each([
    ['kustomize.toolkit.fluxcd.io/v1beta2', 'Kustomization', 'kustomize.toolkit.fluxcd.io/v1'],
    ['helm.toolkit.fluxcd.io/v2beta1', 'HelmRelease', 'helm.toolkit.fluxcd.io/v2'],
    ['helm.toolkit.fluxcd.io/v2beta2', 'HelmRelease', 'helm.toolkit.fluxcd.io/v2'],
    ['source.toolkit.fluxcd.io/v1beta1', 'GitRepository', 'source.toolkit.fluxcd.io/v1'],
    ['source.toolkit.fluxcd.io/v1beta2', 'HelmRepository', 'source.toolkit.fluxcd.io/v1'],
    ['source.toolkit.fluxcd.io/v1beta2', 'OCIRepository', 'source.toolkit.fluxcd.io/v1'],
    ['notification.toolkit.fluxcd.io/v1beta2', 'Provider', 'notification.toolkit.fluxcd.io/v1beta3'],
    ['notification.toolkit.fluxcd.io/v1beta2', 'Alert', 'notification.toolkit.fluxcd.io/v1beta3'],
    ['notification.toolkit.fluxcd.io/v1beta2', 'Receiver', 'notification.toolkit.fluxcd.io/v1'],
    ['extensions/v1beta1', 'Ingress', 'networking.k8s.io/v1'],
    ['cert-manager.io/v1alpha2', 'ClusterIssuer', 'cert-manager.io/v1'],
  ])('%s %s is an error naming %s', (apiVersion, kind, replacement) => {
    const finding = checkApiVersion(object(apiVersion, kind));
    expect(finding).toMatchObject({ severity: 'error', check: 'api-version' });
    expect(finding!.message).toContain(`use ${replacement}`);
  });

  it('accepts what Flux 2.9 serves, warns on deprecated, and flags unknown kinds of Flux groups', () => {
    for (const [v, k] of [['kustomize.toolkit.fluxcd.io/v1', 'Kustomization'], ['notification.toolkit.fluxcd.io/v1beta3', 'Alert'], ['source.extensions.fluxcd.io/v1beta1', 'ArtifactGenerator'], ['apps/v1', 'Deployment'], ['example.org/v1', 'Thing']])
      expect(checkApiVersion(object(v!, k!))).toBeUndefined();
    expect(checkApiVersion(object('image.toolkit.fluxcd.io/v1beta2', 'ImagePolicy'))?.severity).toBe('warning');
    expect(checkApiVersion(object('helm.toolkit.fluxcd.io/v2', 'HelmChart'))?.message).toMatch(/has no kind 'HelmChart'/);
  });
});

describe('YAML', () => {
  it('reports duplicate keys and syntax errors with their line', () => {
    const dup = parseYamlFile('a.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n');
    expect(dup.findings).toEqual([expect.objectContaining({ check: 'yaml', line: 5, message: expect.stringMatching(/^duplicate key/) })]);
    expect(dup.docs).toEqual([]);
    const bad = parseYamlFile('b.yaml', '---\na: 1\n---\nb: [1, 2\n');
    expect(bad.findings[0]).toMatchObject({ check: 'yaml', message: expect.stringMatching(/^YAML syntax error/) });
    expect(bad.findings[0]!.line).toBeGreaterThanOrEqual(4);
    expect(bad.docs.map((d) => d.value)).toEqual([{ a: 1 }]);
  });
});

describe('durations', () => {
  it('checks every interval, timeout and retryInterval of Flux objects, not chart values', () => {
    const issues = checkDurations({
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      spec: { interval: '1h30m', timeout: '5 m', chart: { spec: { interval: '2d' } }, install: { strategy: { retryInterval: '500ms' } }, values: { interval: 'whenever' } },
    });
    expect(issues.map((i) => i.path.join('.'))).toEqual(['spec.timeout', 'spec.chart.spec.interval']);
    expect(checkDurations({ apiVersion: 'v1', kind: 'ConfigMap', data: { interval: 'soon' } })).toEqual([]);
  });
});

describe('object basics', () => {
  it('want a DNS name and string labels', () => {
    const issues = checkObjectBasics({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'Dev_1', labels: { gpu: true } } });
    expect(issues.map((i) => i.message)).toEqual(['metadata.name "Dev_1" is not a valid DNS-1123 label', 'metadata.labels.gpu must be a string, not true']);
  });
});

describe('secrets', () => {
  it('finds tokens with their line and never repeats them; placeholders are not tokens', () => {
    const text = [
      'ok: https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX',
      `token: xoxb-${'1234567890'}-abcdefghij`,
      `aws: AKIA${'ABCDEFGHIJKLMNOP'}`,
      '-----BEGIN OPENSSH PRIVATE KEY-----',
      `gitlab: glpat-${'abcdefghij0123456789'}`,
    ].join('\n');
    const findings = scanTextForTokens({ path: 'notes.md', text, inDotDir: false });
    expect(findings.map((f) => [f.line, f.message])).toEqual([
      [2, 'a Slack token is committed in this file'],
      [5, 'a GitLab token is committed in this file'],
      [3, 'a AWS access key id is committed in this file'],
      [4, 'a private key is committed in this file'],
    ]);
    expect(JSON.stringify(findings)).not.toMatch(/xoxb-|AKIA|glpat-/);
  });
});

describe('dependsOn cycles', () => {
  it('are found once each and named from their smallest member', () => {
    const edges = new Map([
      ['ns/apps', ['ns/infra-configs']],
      ['ns/infra-configs', ['ns/infra-controllers']],
      ['ns/infra-controllers', ['ns/apps']],
      ['ns/solo', ['ns/solo']],
      ['ns/free', ['ns/apps']],
    ]);
    expect(findCycles(edges)).toEqual([['ns/apps', 'ns/infra-configs', 'ns/infra-controllers'], ['ns/solo']]);
    expect(findCycles(new Map([['a', ['b']], ['b', []]]))).toEqual([]);
  });
});

describe('CRD schemas made strict', () => {
  it('close objects unless they preserve unknown fields, and type int-or-string', () => {
    const schema = strictify({
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          'x-kubernetes-validations': [{ rule: 'true' }],
          properties: { port: { 'x-kubernetes-int-or-string': true }, values: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { a: { type: 'string' } } }, labels: { type: 'object', additionalProperties: { type: 'string' } } },
        },
      },
    });
    expect(schema).toEqual({
      type: 'object',
      additionalProperties: false,
      properties: {
        spec: {
          type: 'object',
          additionalProperties: false,
          properties: {
            port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'string' }, { type: 'integer' }] },
            values: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { a: { type: 'string' } } },
            labels: { type: 'object', additionalProperties: { type: 'string' } },
          },
        },
      },
    });
  });
});

describe('builds as Flux would run them', () => {
  const repo = new RepoIndex([
    'clusters/dev/apps.yaml',
    'clusters/dev/README.md',
    'clusters/dev/extra/kustomization.yaml',
    'clusters/dev/extra/a.yaml',
    'clusters/dev/flux-system/gotk-components.yaml',
    'clusters/dev/flux-system/gotk-sync.yaml',
    'clusters/dev/flux-system/kustomization.yaml',
    'clusters/dev/plain/b.yml',
    'clusters/dev/plain/deeper/c.yaml',
  ]);

  it('list the YAML files of a path without kustomization.yaml, sub-kustomizations as folders', () => {
    expect(generatedResources(repo, 'clusters/dev/plain')).toEqual(['clusters/dev/plain/b.yml', 'clusters/dev/plain/deeper/c.yaml']);
    expect(clusterRootRequest(repo, 'clusters/dev').resources).toEqual([
      'clusters/dev/apps.yaml',
      'clusters/dev/extra',
      'clusters/dev/flux-system/gotk-sync.yaml',
      'clusters/dev/plain/b.yml',
      'clusters/dev/plain/deeper/c.yaml',
    ]);
  });

  it("keep kubectl's error and drop its framing and temporary paths", () => {
    const stderr = `E1128 04:24:50.827050    6140 run.go:72] "command failed" err="accumulating resources: accumulation err='accumulating resources from '../../../repo/apps/x': open /work/repo/apps/x: no such file or directory'"`;
    expect(cleanKustomizeError(stderr, '/tmp/t/build-0', '/work/repo')).toBe(
      "accumulating resources: accumulation err='accumulating resources from '../../../repo/apps/x': open apps/x: no such file or directory'",
    );
  });
});

describe('.sourceignore', () => {
  it("leaves out what source-controller would, the last matching rule winning", async () => {
    const { sourceIgnoreMatcher } = await import('../../src/validate/sourceignore.js');
    const ignored = sourceIgnoreMatcher([
      { path: '.sourceignore', text: '# docs\n*.md\npiksel-answers.yaml\n/scratch/\n.yamllint.yaml\n' },
      { path: 'apps/.sourceignore', text: 'drafts/\n!drafts/keep.yaml\n' },
    ]);
    const check = (p: string) => ignored(p);
    expect(['README.md', 'piksel-answers.yaml', 'scratch/a.yaml', '.yamllint.yaml', 'apps/drafts/x.yaml', '.github/workflows/v.yaml', 'x/.sops.yaml'].filter(check)).toHaveLength(7);
    expect(['apps/base/a.yaml', 'sub/scratch/a.yaml', 'clusters/dev/apps.yaml'].some(check)).toBe(false);
  });
});

describe('a repository index', () => {
  it('lists the files under a folder, sorted, and no file of a folder whose name only starts the same', () => {
    const paths = ['a/b.yaml', 'a/b/c.yaml', 'a-b/x.yaml', 'a.yaml', 'b/ü.yaml', 'b/Z.yaml', 'a/b/c/d.yaml', 'ab/c.yaml', 'z.yaml'];
    const index = new RepoIndex(paths);
    expect(index.filesUnder('a')).toEqual(['a/b.yaml', 'a/b/c.yaml', 'a/b/c/d.yaml']);
    expect(index.filesUnder('a/b')).toEqual(['a/b/c.yaml', 'a/b/c/d.yaml']);
    expect(index.filesUnder('b')).toEqual(['b/Z.yaml', 'b/ü.yaml']);
    expect(index.filesUnder('')).toEqual([...paths].sort());
    expect(index.filesUnder('nowhere')).toEqual([]);
  });
});

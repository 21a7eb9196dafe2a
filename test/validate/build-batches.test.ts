import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { runProcess, type ProcessRunner } from '../../src/process.js';
import { declaredNames, disjointGroups, patchesSkipSchema, splitBatch } from '../../src/validate/build-batches.js';
import { BuildInputs } from '../../src/validate/build-cache.js';
import { clusterRootRequest, KustomizeBuilder, outputDocuments, type BuildRequest } from '../../src/validate/builds.js';
import { isKustomizationFile } from '../../src/validate/files.js';
import { readKustomization, type KustomizationModel } from '../../src/validate/kustomization-files.js';
import { RepoIndex } from '../../src/validate/repo-paths.js';
import { parseYamlFile } from '../../src/validate/yaml.js';
import { REPO_ROOT } from '../support/cli.js';
import { countingRunner } from '../support/kubectl.js';
import { defaultFiles, removeRepositories, writeRepository, type Files } from './support.js';

afterAll(removeRepositories);

/** Every build validate could ask of a repository: each kustomization folder, each cluster root, a Flux path with patches, one that moves namespaces. */
function requestsOf(files: Files): { inputs: BuildInputs; requests: BuildRequest[] } {
  const repo = new RepoIndex([...files.keys()]);
  const parsed = [...files].filter(([path]) => /\.ya?ml$/.test(path)).map(([path, text]) => parseYamlFile(path, text));
  const models = parsed
    .filter((p) => isKustomizationFile(p.file))
    .map((p) => readKustomization(p.docs[0]!, repo))
    .filter((m: KustomizationModel) => !m.isComponent);
  const clusters = [...repo.dirs].filter((d) => /^clusters\/[^/]+$/.test(d));
  const patched: BuildRequest = {
    resources: ['infrastructure/controllers'],
    patches: [{ target: { kind: 'HelmRelease' }, patch: '- op: add\n  path: /metadata/labels\n  value: {patched: "yes"}\n' }],
  };
  const moved: BuildRequest = { resources: ['infrastructure/configs'], namespace: 'elsewhere' };
  return {
    inputs: new BuildInputs(repo, new Map(models.map((m) => [m.dir, m])), (file) => files.get(file)),
    requests: [...models.map((m) => ({ resources: [m.dir] })), ...clusters.map((c) => clusterRootRequest(repo, c)), patched, moved],
  };
}

/** The same requests through a builder that batches and through one that runs each alone. */
async function buildBothWays(files: Files) {
  const dir = await writeRepository(files);
  const { inputs, requests } = requestsOf(files);
  const shared = new KustomizeBuilder(dir, countingRunner(), 4, undefined, (r) => inputs.batchInputs(r));
  const alone = new KustomizeBuilder(dir, countingRunner(), 4);
  try {
    const [together, separately] = await Promise.all([Promise.all(requests.map((r) => shared.build(r))), Promise.all(requests.map((r) => alone.build(r)))]);
    return { together, separately, shared, alone, requests };
  } finally {
    await Promise.all([shared.dispose(), alone.dispose()]);
  }
}

async function exampleFiles(name: string): Promise<Files> {
  const root = join(REPO_ROOT, 'examples', name, 'output');
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const paths = entries.filter((e) => e.isFile()).map((e) => relative(root, join(e.parentPath, e.name)));
  return new Map(await Promise.all(paths.map(async (p) => [p, await readFile(join(root, p), 'utf8')] as const)));
}

describe.concurrent('builds that share a kubectl run', () => {
  it.each(['full', 'fleet'])('give each build of the %s example exactly the objects its own run gives, in far fewer runs', async (example) => {
    const { together, separately, shared, alone, requests } = await buildBothWays(await exampleFiles(example));
    expect(separately.every((o) => o.status === 'ok')).toBe(true);
    expect(together).toEqual(separately);
    expect(shared.runs).toBe(requests.length);
    expect(alone.processes).toBe(requests.length);
    // Apart: builds listing a manifest in common (a base and its overlay), or objects of the same
    // name (two clusters' roots), the one moving namespaces, and builds needing kustomize's schema
    // (a Deployment patch) from those that do not, unless that makes more runs than kubectl slots
    // (the fleet's two clusters: six runs apart, four mixed).
    expect(shared.processes).toBeLessThanOrEqual(4);
  });

  it('fall back to one run each when a build in the batch fails, so the failure is the folder’s own', async () => {
    const files = await defaultFiles();
    const k = 'infrastructure/configs/kustomization.yaml';
    files.set(k, `${files.get(k)!}  - ghost.yaml\n`);
    const { together, separately, requests } = await buildBothWays(files);
    const failed = together.flatMap((o, i) => (o.status === 'failed' ? [requests[i]!.resources.join()] : []));
    expect(failed).toEqual(['infrastructure/configs', 'infrastructure/configs']); // the folder, and the request moving it to a namespace
    expect(together).toEqual(separately);
  });
});

describe('what may share a run', () => {
  it('not a build that moves or renames, nor one reaching a kustomization with a generator', async () => {
    const files = await defaultFiles();
    const k = 'infrastructure/controllers/kustomization.yaml';
    files.set(k, `${files.get(k)!}configMapGenerator:\n  - name: extra\n    literals: [a=b]\n`);
    const { inputs } = requestsOf(files);
    expect(inputs.batchInputs({ resources: ['infrastructure/configs'] })).toEqual({
      files: new Set(['infrastructure/configs/cluster-issuers.yaml', 'infrastructure/configs/gateway.yaml']),
      names: new Set([
        'ClusterIssuer/letsencrypt-staging',
        'ClusterIssuer/letsencrypt-production',
        'GatewayClass/envoy-gateway',
        'EnvoyProxy/edge-proxy',
        'Gateway/edge',
        'HTTPRoute/https-redirect',
        'BackendTrafficPolicy/edge-defaults',
      ]),
      schemaFree: true,
    });
    expect(inputs.batchInputs({ resources: ['infrastructure/configs'], namespace: 'x' })).toBeUndefined();
    expect(inputs.batchInputs({ resources: ['infrastructure/configs'], namePrefix: 'x-' })).toBeUndefined();
    expect(inputs.batchInputs({ resources: ['infrastructure/controllers'] })).toBeUndefined();
  });

  it('groups builds that list no manifest in common, and splits objects back by origin file', () => {
    const member = (item: string, files: string[], names: string[] = []) => ({ item, files: new Set(files), names: new Set(names), schemaFree: false });
    const groups = disjointGroups([
      member('overlay', ['base/a.yaml', 'overlay/b.yaml']),
      member('base', ['base/a.yaml']),
      member('other', ['other/c.yaml'], ['Kustomization/apps']),
      member('other cluster', ['other2/c.yaml'], ['Kustomization/apps']),
    ]);
    expect(groups.map((g) => g.map((m) => m.item))).toEqual([['overlay', 'other'], ['base', 'other cluster']]);
    const objects = [{ file: 'other/c.yaml', n: 1 }, { file: 'base/a.yaml', n: 2 }, { file: 'overlay/b.yaml', n: 3 }];
    expect(splitBatch(objects, groups[0]!)).toEqual([[objects[1], objects[2]], [objects[0]]]);
    expect(splitBatch([...objects, { file: 'nowhere.yaml', n: 4 }], groups[0]!)).toBeUndefined();
    expect(splitBatch([{ file: undefined, n: 5 }], groups[0]!)).toBeUndefined();

    // Builds that need kustomize's schema run apart from those that do not, unless mixed.
    const needs = { ...member('needs schema', ['apps/odc/patch.yaml']), schemaFree: false };
    const free = { ...member('schema-free', ['apps/argo/patch.yaml']), schemaFree: true };
    expect(disjointGroups([needs, free]).map((g) => g.map((m) => m.item))).toEqual([['needs schema'], ['schema-free']]);
    expect(disjointGroups([needs, free], true).map((g) => g.map((m) => m.item))).toEqual([['needs schema', 'schema-free']]);
  });

  it('reads the kind and name of each document from the text', () => {
    const text = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  labels:\n    team: geo\n  name: "odc"\n---\n# a comment\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ows-config # the OWS settings\ndata:\n  name: not-this\n---\n';
    expect(declaredNames(text)).toEqual(['Namespace/odc', 'ConfigMap/ows-config']);
  });

  it('runs without kustomize’s schema only when every strategic-merge patch is of a kind outside Kubernetes and names its own kind', () => {
    const files = new Map([
      ['release-patch.yaml', 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: argo\nspec:\n  values: {}\n'],
      ['deployment-patch.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ows\n'],
      ['ingress-patch.yaml', 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: ows\n'],
      ['ops.yaml', '- op: replace\n  path: /spec/replicas\n  value: 2\n'],
      ['broken.yaml', 'apiVersion: [\n'],
    ]);
    const skips = (kustomization: Record<string, unknown>) => patchesSkipSchema(kustomization, (path) => files.get(path));
    expect(skips({ resources: ['a.yaml'] })).toBe(true);
    expect(skips({ patches: [{ path: 'release-patch.yaml' }] })).toBe(true);
    expect(skips({ patches: [{ path: 'ops.yaml', target: { kind: 'Deployment' } }], patchesJson6902: [{ path: 'ops.yaml' }] })).toBe(true);
    expect(skips({ patchesStrategicMerge: ['release-patch.yaml', files.get('release-patch.yaml')] })).toBe(true);
    // Kubernetes' own kinds merge by the schema's keys (containers by name, …).
    expect(skips({ patches: [{ path: 'release-patch.yaml' }, { path: 'deployment-patch.yaml' }] })).toBe(false);
    expect(skips({ patches: [{ path: 'ingress-patch.yaml' }] })).toBe(false);
    expect(skips({ patchesStrategicMerge: [files.get('deployment-patch.yaml')] })).toBe(false);
    // A target gives the patch the kinds it selects; an unread or unreadable patch; a schema of its own.
    expect(skips({ patches: [{ path: 'release-patch.yaml', target: { kind: 'HelmRelease' } }] })).toBe(false);
    expect(skips({ patches: [{ path: 'missing.yaml' }] })).toBe(false);
    expect(skips({ patches: [{ path: 'broken.yaml' }] })).toBe(false);
    expect(skips({ openapi: { path: 'schema.json' } })).toBe(false);
    // Read from the text: only a plain top-level `apiVersion:` line counts.
    const inline = (patch: string) => skips({ patches: [{ patch }] });
    expect(inline('# the release\napiVersion: "helm.toolkit.fluxcd.io/v2" # Flux\nkind: HelmRelease\n---\n---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\n')).toBe(true);
    expect(inline('[{"op": "remove", "path": "/spec/suspend"}]')).toBe(true);
    expect(inline('{apiVersion: helm.toolkit.fluxcd.io/v2, kind: HelmRelease}')).toBe(false);
    expect(inline('"apiVersion": apps/v1\nkind: Deployment\n')).toBe(false);
    expect(inline('  apiVersion: helm.toolkit.fluxcd.io/v2\n  kind: HelmRelease\n')).toBe(false);
    expect(inline('apiVersion: helm.toolkit.fluxcd.io/v2\n"apiVersion": apps/v1\n')).toBe(false);
    expect(inline('apiVersion: helm.toolkit.fluxcd.io/v2\n? apiVersion\n: apps/v1\n')).toBe(false);
    expect(inline('apiVersion: !!str apps/v1\nkind: Deployment\n')).toBe(false);
    expect(inline('apiVersion: helm.toolkit.fluxcd.io/v2\n---\napiVersion: apps/v1\nkind: Deployment\n')).toBe(false);
    expect(inline('# nothing\n')).toBe(false);
  });
});

describe('kustomize output', () => {
  it('reads as yaml reads it, values that look like numbers, booleans, dates or nulls included', async () => {
    const files = await exampleFiles('full');
    const odd = ['yes', 'on', 'off', 'y', 'n', '0o14', '012', '1_000', '0x1F', '+12', '.5', '1e3', '.inf', '-.Inf', '.NaN', '~', 'null', 'Null', 'true', 'True', 'FALSE', '2001-12-14', '2001-12-14t21:59:43.10-05:00', '<<', '=', '12:30:00', "'quoted'", '"double"', 'a: b', '- item', '#not-a-comment'];
    // Plain, as written by hand (kustomize refuses the infinities and NaN there: JSON has none).
    const data = odd.map((v, i) => (/inf|nan/i.test(v) ? '' : `  plain${i}: ${/^['"#]|: |^- /.test(v) ? JSON.stringify(v) : v}\n`)).join('');
    files.set('odd/kustomization.yaml', 'resources:\n  - values.yaml\n');
    const quoted = odd.map((v, i) => `  quoted${i}: ${JSON.stringify(v)}\n`).join('');
    files.set(
      'odd/values.yaml',
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: odd\n  annotations:\n    empty: ""\n    multi: |\n      one\n      two\ndata:\n${quoted}  block: |-\n    kept\n      indented\n` +
        `---\napiVersion: example.org/v1\nkind: Odd\nmetadata:\n  name: odd\nspec:\n${data}`,
    );
    const dir = await writeRepository(files);
    const outputs: string[] = [];
    const recording: ProcessRunner = async (command, args, options) => {
      const result = await runProcess(command, args, options);
      if (command === 'kubectl') outputs.push(result.stdout);
      return result;
    };
    const builder = new KustomizeBuilder(dir, recording, 4);
    const folders = [...files.keys()].filter((p) => p.endsWith('/kustomization.yaml')).map((p) => p.slice(0, -'/kustomization.yaml'.length));
    try {
      const outcomes = await Promise.all(folders.map((folder) => builder.build({ resources: [folder] })));
      expect(outcomes.filter((o) => o.status !== 'ok')).toEqual([]);
    } finally {
      await builder.dispose();
    }
    expect(outputs).toHaveLength(folders.length);
    for (const stdout of outputs) expect(outputDocuments(stdout)).toEqual(parseAllDocuments(stdout).map((doc) => doc.toJS()));
    // The planted values came through, each as the same string or scalar both ways.
    expect(outputs.join('\n')).toContain('plain30');
  });
});

import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BuildInputs } from '../../src/validate/build-cache.js';
import { KustomizeBuilder, type BuildCache, type BuildOutcome, type InputWriter } from '../../src/validate/builds.js';
import { runProcess } from '../../src/process.js';
import { validateRepository, type ValidationReport } from '../../src/validate/index.js';
import { readKustomization } from '../../src/validate/kustomization-files.js';
import { RepoIndex } from '../../src/validate/repo-paths.js';
import { parseYamlFile } from '../../src/validate/yaml.js';
import { defaultFiles, editDoc, findDoc, FLUX_CLUSTER, isKind, removeRepositories, writeRepository, type Files } from './support.js';
import { cacheFolders, countingRunner } from '../support/kubectl.js';

// Every test has its own cache folder under one temporary folder, removed at the end.
const newCacheDir = cacheFolders('piksel-build-cache-test-');
afterAll(removeRepositories);

const withoutTimings = (report: ValidationReport) => ({ ok: report.ok, findings: report.findings, files: report.stats.files, objects: report.stats.objects });
/** What a run reports; the object count is left out: checks reused from an earlier run check no objects. */
const reported = (report: ValidationReport) => ({ ok: report.ok, findings: report.findings, files: report.stats.files });

const fluxKustomization = (files: Files, name: string) =>
  findDoc(files, `Flux Kustomization ${name}`, (v) => isKind('Kustomization', 'kustomize.toolkit.fluxcd.io')(v) && (v.metadata as { name?: string }).name === name);

describe.concurrent('kustomize build cache', () => {
  it('reports the same findings from a cache hit as from a fresh build', async () => {
    const files = await defaultFiles();
    // A defect only a build finds, so the cached outcomes carry a failure as well as successes.
    const ks = fluxKustomization(files, 'infra-controllers');
    editDoc(files, ks, (doc) => doc.setIn(['spec', 'patches'], [{ target: { kind: 'HelmRelease' }, patch: '- op: replace\n  path: /spec/no/such/field\n  value: 1\n' }]));
    const dir = await writeRepository(files);
    const cacheDir = newCacheDir();

    const uncached = await validateRepository(dir, { runner: countingRunner() });
    const freshRunner = countingRunner();
    const fresh = await validateRepository(dir, { runner: freshRunner, cacheDir });
    const hitRunner = countingRunner();
    const hit = await validateRepository(dir, { runner: hitRunner, cacheDir });

    expect(fresh.findings).toContainEqual(expect.objectContaining({ check: 'kustomize', message: expect.stringMatching(/does not build as kustomize-controller would/) }));
    expect(withoutTimings(fresh)).toEqual(withoutTimings(uncached));
    expect(reported(hit)).toEqual(reported(fresh));
    expect(fresh.stats).toMatchObject({ cachedBuilds: 0 });
    expect(freshRunner.kustomizeRuns).toBe(fresh.stats.kubectlRuns);
    // The cluster with the broken path is checked again (its outcomes from the cache); the folders that passed are reused.
    expect(hit.stats).toMatchObject({ builds: 0, reusedClusters: 0 });
    expect(hit.stats.cachedBuilds).toBeGreaterThan(0);
    expect(hitRunner.kustomizeRuns).toBe(0);
    expect((await readdir(join(cacheDir, 'kustomize-build-v2'))).length).toBe(fresh.stats.builds);
  });

  it('builds afresh when an input changes, and reports what the change broke', async () => {
    const files = await defaultFiles();
    const dir = await writeRepository(files);
    const cacheDir = newCacheDir();
    const first = await validateRepository(dir, { runner: countingRunner(), cacheDir });
    expect(first.ok).toBe(true);

    // One file that several builds read: a kustomization listing a resource kustomize refuses (an object without a name).
    const k = 'infrastructure/controllers/kustomization.yaml';
    editDoc(files, { file: k, index: 0 }, (doc) => doc.addIn(['resources'], 'nameless.yaml'));
    await writeFile(join(dir, k), files.get(k)!);
    await writeFile(join(dir, 'infrastructure/controllers/nameless.yaml'), 'apiVersion: v1\nkind: ConfigMap\ndata:\n  a: b\n');
    const runner = countingRunner();
    const second = await validateRepository(dir, { runner, cacheDir });
    expect(second.ok).toBe(false);
    expect(second.findings).toContainEqual(expect.objectContaining({ check: 'kustomize', file: k }));
    expect(runner.kustomizeRuns).toBeGreaterThan(0);
    expect(second.stats.kubectlRuns).toBe(runner.kustomizeRuns);
    // What the change did not reach came from the cache; the result is the uncached one.
    expect(second.stats.cachedBuilds).toBeGreaterThan(0);
    expect(reported(second)).toEqual(reported(await validateRepository(dir, { runner: countingRunner() })));
  });

  const deployment = (image: string) =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: default\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: ${image}\n`;
  it.each([
    {
      by: 'a patch path',
      files: [
        ['apps/web/deployment.yaml', deployment('nginx:1.25')],
        ['apps/web/kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - deployment.yaml\npatches:\n  - path: ../../shared/image.yaml\n    target:\n      kind: Deployment\n'],
        ['shared/image.yaml', '- op: replace\n  path: /spec/template/spec/containers/0/image\n  value: nginx:1.27\n'],
      ],
      // A patch that no longer applies: only a build finds it.
      changed: ['shared/image.yaml', '- op: replace\n  path: /spec/no/such/field\n  value: 1\n'],
      ok: false,
    },
    {
      by: 'a generator file source (key=path)',
      files: [
        ['apps/web/kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nconfigMapGenerator:\n  - name: web\n    namespace: default\n    files:\n      - app.conf=../../shared/app.conf\n'],
        ['shared/app.conf', 'mode: first\n'],
      ],
      // New data in the ConfigMap: only a build sees it.
      changed: ['shared/app.conf', 'mode: second\n'],
      ok: true,
    },
  ] as const)('rebuilds when a file outside the folder, named by $by, changes', async ({ files, changed: [path, text], ok }) => {
    const dir = await writeRepository(new Map([FLUX_CLUSTER, ...files]));
    const cacheDir = newCacheDir();
    expect((await validateRepository(dir, { runner: countingRunner(), cacheDir })).ok).toBe(true);

    await writeFile(join(dir, path), text);
    const runner = countingRunner();
    const second = await validateRepository(dir, { runner, cacheDir });
    // Only the folder reading that file is built again; the unchanged cluster folder is cached or reused.
    expect(runner.kustomizeRuns).toBe(1);
    expect(second.stats).toMatchObject({ reusedFolders: 0 });
    expect(second.ok).toBe(ok);
    expect(reported(second)).toEqual(reported(await validateRepository(dir, { runner: countingRunner() })));
  });

  it('builds again with the whole tree when a build fails with only its inputs written, and does not remember that outcome', async () => {
    const tree = new Map([
      ['app/kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - cm.yaml\n'],
      ['app/cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n  namespace: default\n'],
    ]);
    const build = async (inputsOf: (paths: string[]) => string[]) => {
      const root = newCacheDir();
      // Stands in for an input closure that misses a file: a partial write leaves out what `inputsOf` drops.
      const writeInputs: InputWriter = async (requests) => {
        const paths = [...tree.keys()];
        for (const path of requests ? inputsOf(paths) : paths) {
          await mkdir(join(root, dirname(path)), { recursive: true });
          await writeFile(join(root, path), tree.get(path)!);
        }
        return { whole: requests === undefined };
      };
      const stored: BuildOutcome[] = [];
      const cache: BuildCache = { keyOf: async () => 'key', read: async () => undefined, write: async (_key, outcome) => void stored.push(outcome) };
      const builder = new KustomizeBuilder(root, runProcess, 1, cache, undefined, writeInputs);
      const outcome = await builder.build({ resources: ['app'] });
      await builder.dispose();
      return { outcome, stored, processes: builder.processes };
    };
    const gap = await build((paths) => paths.filter((p) => p !== 'app/cm.yaml'));
    expect(gap.outcome).toMatchObject({ status: 'ok', objects: [{ file: 'app/cm.yaml' }] });
    expect(gap.processes).toBe(2);
    expect(gap.stored).toEqual([]);

    const whole = await build((paths) => paths);
    expect(whole.outcome).toEqual(gap.outcome);
    expect(whole.processes).toBe(1);
    expect(whole.stored).toEqual([whole.outcome]);
  });

  it('keeps no Secret value in the cache folder, and keeps the folder to its owner', async () => {
    const dir = await writeRepository(
      new Map([
        FLUX_CLUSTER,
        ['apps/web/kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - config.yaml\nsecretGenerator:\n  - name: web\n    envs: [local.env]\n'],
        ['apps/web/config.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n  namespace: default\ndata:\n  mode: plain\n'],
        ['apps/web/local.env', 'TOKEN=generatedvalue0123456789\n'],
        ['apps/local/db.dec.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: default\nstringData:\n  password: decryptedvalue0123456789\n'],
      ]),
    );
    const cacheDir = newCacheDir();
    await validateRepository(dir, { runner: countingRunner(), cacheDir });
    const entries = (await readdir(cacheDir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
    expect(entries.length).toBeGreaterThan(0); // the ConfigMap's file and the cluster were remembered
    for (const e of entries) {
      const path = join(e.parentPath, e.name);
      const text = await readFile(path, 'utf8');
      expect(text, path).not.toContain('decryptedvalue0123456789');
      expect(text, path).not.toContain(Buffer.from('generatedvalue0123456789').toString('base64'));
      expect((await stat(path)).mode & 0o077, path).toBe(0);
    }
  });

  it('never caches a build that reads a remote resource', () => {
    const inputs = new BuildInputs(new RepoIndex(['base/kustomization.yaml', 'base/a.yaml']), new Map([
      ['base', { dir: 'base', source: { value: { resources: ['a.yaml', 'https://github.com/org/repo//deploy?ref=v1'] } } } as never],
    ]));
    expect(inputs.closure({ resources: ['base'] })).toBeUndefined();
    expect(inputs.closure({ resources: ['base/a.yaml'] })).toEqual(new Set(['base/a.yaml']));
  });

  it('counts every file under a folder and every local path its kustomization names', () => {
    const repo = new RepoIndex(['app/kustomization.yaml', 'app/a.yaml', 'app/sub/notes.txt', 'lib/kustomization.yaml', 'lib/b.yaml', 'patches/p.yaml', 'other/c.yaml']);
    const inputs = new BuildInputs(repo, new Map([
      ['app', { dir: 'app', source: { value: { resources: ['a.yaml', '../lib'], patches: [{ path: '../patches/p.yaml' }], images: [{ name: 'nginx' }] } } } as never],
      ['lib', { dir: 'lib', source: { value: { resources: ['b.yaml', '../app'] } } } as never],
    ]));
    expect([...inputs.closure({ resources: ['app'] })!].sort()).toEqual(
      ['app/a.yaml', 'app/kustomization.yaml', 'app/sub/notes.txt', 'lib/b.yaml', 'lib/kustomization.yaml', 'patches/p.yaml'].sort(),
    );
    // The same through the include cycle, from the other end.
    expect([...inputs.closure({ resources: ['lib'] })!].sort()).toEqual([...inputs.closure({ resources: ['app'] })!].sort());
  });

  it('counts the files an inline plugin configuration names, wherever they are', () => {
    const repo = new RepoIndex(['app/kustomization.yaml', 'app/a.yaml', 'shared/settings.env']);
    const text = 'resources:\n  - a.yaml\ngenerators:\n  - |\n    apiVersion: builtin\n    kind: ConfigMapGenerator\n    metadata:\n      name: settings\n    envs:\n      - ../shared/settings.env\n';
    const model = readKustomization(parseYamlFile('app/kustomization.yaml', text).docs[0]!, repo);
    expect(model.findings).toEqual([]);
    expect(new BuildInputs(repo, new Map([['app', model]])).closure({ resources: ['app'] })).toContain('shared/settings.env');
  });
});

import { execa } from 'execa';
import { chmod, chown, mkdir, readdir, readFile, symlink, truncate, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FolderBuildCache, BuildInputs } from '../../src/validate/build-cache.js';
import { kustomizeEnv } from '../../src/validate/builds.js';
import { hashText } from '../../src/validate/parse-cache.js';
import { runProcess, type ProcessRunner, type RunOptions } from '../../src/process.js';
import { toolIdentity } from '../../src/validate/tool-identity.js';
import { validateRepository, type ValidationReport } from '../../src/validate/index.js';
import { RepoIndex } from '../../src/validate/repo-paths.js';
import { cacheFolders } from '../support/kubectl.js';
import { tempDir } from '../support/cli.js';

const newCacheDir = cacheFolders('piksel-hostile-builds-');

/** A Flux cluster whose one Kustomization builds ./app, and what the test puts in app/ (and beside the repository). */
async function repository(files: Record<string, string>): Promise<string> {
  const dir = join(await tempDir('piksel-hostile-'), 'repo');
  const all: Record<string, string> = {
    'clusters/test/apps.yaml':
      'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ./app\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n',
    'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\n  namespace: default\ndata:\n  a: b\n',
    ...files,
  };
  for (const [path, text] of Object.entries(all)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

const kustomization = (body: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${body}`;

/**
 * The real kubectl, or none (every build answered empty: nothing is fetched or read), with every
 * folder and file each `kubectl kustomize` run was given (through the builder's wrappers) recorded.
 */
function recordingKubectl(delegate: boolean) {
  const built = new Set<string>();
  const envs: NonNullable<RunOptions['env']>[] = [];
  const reached = (wrapperDir: string): string[] => {
    const k = JSON.parse(readFileSync(join(wrapperDir, 'kustomization.yaml'), 'utf8')) as { resources?: string[]; components?: string[] };
    return [...(k.resources ?? []), ...(k.components ?? [])].flatMap((entry) => {
      const path = resolve(wrapperDir, entry);
      return path.startsWith(`${dirname(wrapperDir)}${sep}`) ? reached(path) : [path];
    });
  };
  const runner: ProcessRunner = async (command, args, options) => {
    if (command === 'kubectl' && args[0] === 'kustomize') {
      reached(args.at(-1)!).forEach((p) => built.add(p));
      envs.push(options?.env ?? {});
      if (!delegate) return { exitCode: 0, stdout: '', stderr: '', notFound: false };
    }
    return runProcess(command, args, options);
  };
  return { runner, built, envs, builtIn: (dir: string) => [...built].map((p) => relative(dir, p).split(sep).join('/')) };
}

/** Every file of a folder, as text (the cache folder: nothing secret may be in it). */
async function allText(dir: string): Promise<string> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  const texts = await Promise.all(entries.filter((e) => e.isFile()).map((e) => readFile(join(e.parentPath, e.name), 'utf8')));
  return texts.join('\n');
}

const kustomizeFindings = (report: ValidationReport) => report.findings.filter((f) => f.check === 'kustomize').map((f) => `${f.file}: ${f.message}`);

const MARKER = 'ghp_hostileMarker0123456789abcdefghijkl';

describe('validate never builds what reads outside the repository', () => {
  const saved = process.env.GITHUB_TOKEN;
  afterEach(() => {
    if (saved === undefined) delete process.env.GITHUB_TOKEN;
    else process.env.GITHUB_TOKEN = saved;
  });

  it.each([
    { entry: '/proc/self/environ', message: "configMapGenerator.files entry '/proc/self/environ' leaves the repository" },
    { entry: '../.git/config', message: "configMapGenerator.files entry '../.git/config' points into .git" },
    { entry: '../../outside/secret.txt', message: "configMapGenerator.files entry '../../outside/secret.txt' leaves the repository" },
  ])('a configMapGenerator over $entry: a finding, no build, nothing of it printed or cached', async ({ entry, message }) => {
    process.env.GITHUB_TOKEN = MARKER;
    const dir = await repository({ 'app/kustomization.yaml': kustomization(`resources:\n  - cm.yaml\nconfigMapGenerator:\n  - name: leak\n    files:\n      - ${entry}\n`) });
    await mkdir(join(dir, '.git'), { recursive: true });
    await writeFile(join(dir, '.git/config'), `[http]\n\textraheader = AUTHORIZATION: basic ${MARKER}\n`);
    await mkdir(join(dir, '../outside'), { recursive: true });
    await writeFile(join(dir, '../outside/secret.txt'), `${MARKER}\n`);
    const cacheDir = newCacheDir();
    const kubectl = recordingKubectl(true);

    const report = await validateRepository(dir, { runner: kubectl.runner, cacheDir });

    expect(report.ok).toBe(false);
    expect(report.findings).toContainEqual(expect.objectContaining({ severity: 'error', check: 'kustomize', file: 'app/kustomization.yaml', line: 8, message }));
    expect(kubectl.builtIn(dir)).not.toContain('app');
    expect(JSON.stringify(report)).not.toContain(MARKER);
    expect(await allText(cacheDir)).not.toContain(MARKER);
  });

  it('kubectl builds with PATH, HOME, TMPDIR, GOGC, GOMEMLIMIT and a version manager’s variables only: every other is removed', async () => {
    process.env.GITHUB_TOKEN = MARKER;
    const dir = await repository({ 'app/kustomization.yaml': kustomization('resources:\n  - cm.yaml\n') });
    const kubectl = recordingKubectl(true);
    await validateRepository(dir, { runner: kubectl.runner });
    expect(kubectl.envs.length).toBeGreaterThan(0);
    for (const env of kubectl.envs) {
      // The runner merges over process.env: a variable is removed by being named, as undefined.
      expect(env).toHaveProperty('GITHUB_TOKEN', undefined);
      const kept = Object.entries(env).filter(([, v]) => v !== undefined).map(([k]) => k);
      expect(kept.filter((k) => !['PATH', 'HOME', 'TMPDIR', 'GOGC', 'GOMEMLIMIT'].includes(k) && !/^(ASDF|MISE|XDG)_/.test(k))).toEqual([]);
    }
    expect(kustomizeEnv({ PATH: '/bin', GITHUB_TOKEN: MARKER, GOGC: '100' })).toMatchObject({ PATH: '/bin', GITHUB_TOKEN: undefined, GOGC: '100' });
  });

  it.each([
    { field: 'resources', body: 'resources:\n  - cm.yaml\n  - https://github.com/example/repo//deploy?ref=main\n', line: 5 },
    { field: 'resources', body: 'resources:\n  - cm.yaml\n  - http://127.0.0.1:9/x.yaml\n', line: 5 },
    { field: 'components', body: 'resources:\n  - cm.yaml\ncomponents:\n  - github.com/example/repo/component?ref=v1\n', line: 6 },
    { field: 'bases', body: 'resources:\n  - cm.yaml\nbases:\n  - git@github.com:example/repo.git//base\n', line: 6 },
    { field: 'configMapGenerator.files', body: 'resources:\n  - cm.yaml\nconfigMapGenerator:\n  - name: fetched\n    files:\n      - https://example.org/settings.env\n', line: 8 },
    { field: 'helmCharts.repo', body: 'resources:\n  - cm.yaml\nhelmCharts:\n  - name: podinfo\n    repo: https://stefanprodan.github.io/podinfo\n', line: 7 },
  ])('a remote entry in $field is a finding and is never built (validate stays offline)', async ({ field, body, line }) => {
    const dir = await repository({ 'app/kustomization.yaml': kustomization(body) });
    const kubectl = recordingKubectl(false);
    const report = await validateRepository(dir, { runner: kubectl.runner });
    expect(kustomizeFindings(report)).toEqual([expect.stringMatching(new RegExp(`^app/kustomization\\.yaml: ${field.replace('.', '\\.')} entry '.*' is remote: validate works offline and never fetches`))]);
    expect(report.findings.find((f) => f.check === 'kustomize')?.line).toBe(line);
    expect(kubectl.builtIn(dir)).not.toContain('app');
    expect(kubectl.builtIn(dir)).not.toContain('clusters/test'); // the cluster root itself builds; never app through it
  });

  it.each([
    { field: 'crds', body: 'crds:\n  - ../../outside/crd.yaml\n' },
    { field: 'configurations', body: 'configurations:\n  - /etc/kustomize.yaml\n' },
    { field: 'openapi.path', body: 'openapi:\n  path: /proc/self/environ\n' },
    { field: 'replacements.path', body: 'replacements:\n  - path: ../../outside/replacement.yaml\n' },
    { field: 'patchesStrategicMerge', body: 'patchesStrategicMerge:\n  - ../../outside/patch.yaml\n' },
    { field: 'secretGenerator.envs', body: 'secretGenerator:\n  - name: s\n    envs:\n      - ../.git/config\n' },
    { field: 'helmCharts.valuesFile', body: 'helmCharts:\n  - name: podinfo\n    valuesFile: /etc/passwd\n' },
    { field: 'generators (path of its plugin configuration)', body: 'generators:\n  - |\n    apiVersion: builtin\n    kind: ConfigMapGenerator\n    metadata:\n      name: leak\n    files:\n      - /proc/self/environ\n' },
    { field: 'transformers (path of its plugin configuration)', body: 'transformers:\n  - patch-transformer.yaml\n', file: 'apiVersion: builtin\nkind: PatchTransformer\nmetadata:\n  name: leak\npath: ../../outside/patch.yaml\ntarget:\n  kind: ConfigMap\n' },
  ])('an entry of $field reading outside the repository is a finding, and the folder is never built', async ({ field, body, file }) => {
    const dir = await repository({ 'app/kustomization.yaml': kustomization(`resources:\n  - cm.yaml\n${body}`), ...(file ? { 'app/patch-transformer.yaml': file } : {}) });
    const kubectl = recordingKubectl(false);
    const report = await validateRepository(dir, { runner: kubectl.runner });
    const name = field.split(' ')[0]!.replace('.', '\\.');
    expect(kustomizeFindings(report)).toEqual([expect.stringMatching(new RegExp(`^app/kustomization\\.yaml: ${name}(\\.path)? .*entry '.*' (leaves the repository|points into \\.git)$`))]);
    expect(kubectl.builtIn(dir)).not.toContain('app');
  });

  it('a resource that is a link to /dev/zero, a FIFO, or a file through a linked folder is refused before any build', async () => {
    const dir = await repository({ 'app/kustomization.yaml': kustomization('resources:\n  - cm.yaml\n  - zero.yaml\n  - pipe.yaml\n  - linked/hosts\n') });
    await symlink('/dev/zero', join(dir, 'app/zero.yaml'));
    await execa('mkfifo', [join(dir, 'app/pipe.yaml')]);
    await symlink('/etc', join(dir, 'app/linked'));
    const kubectl = recordingKubectl(false);
    const report = await validateRepository(dir, { runner: kubectl.runner });
    expect(kustomizeFindings(report)).toEqual([
      "app/kustomization.yaml: resources entry 'zero.yaml' goes through a symbolic link (app/zero.yaml): validate never follows one out of the repository",
      "app/kustomization.yaml: resources entry 'pipe.yaml' is not a regular file (app/pipe.yaml is a FIFO, device or socket)",
      "app/kustomization.yaml: resources entry 'linked/hosts' goes through a symbolic link (app/linked/hosts): validate never follows one out of the repository",
    ]);
    expect(kubectl.builtIn(dir)).not.toContain('app');
  });

  it('a build whose files come to more than 16 MiB is never run (kustomize’s time and memory grow faster than its input)', async () => {
    const dir = await repository({ 'app/kustomization.yaml': kustomization('resources:\n  - cm.yaml\n  - big.yaml\n') });
    await writeFile(join(dir, 'app/big.yaml'), '');
    await truncate(join(dir, 'app/big.yaml'), 20 * 1024 * 1024); // sparse
    const kubectl = recordingKubectl(false);
    const report = await validateRepository(dir, { runner: kubectl.runner });
    expect(kustomizeFindings(report)).toContainEqual(expect.stringMatching(/^app\/kustomization\.yaml: kustomize build of app fails: not built: its files come to 20 MiB, more than kustomize is given here \(16 MiB\)/));
    expect(kubectl.builtIn(dir)).not.toContain('app');
  });

  it('a Flux Kustomization patch with a path (not in its CRD, dropped by the API server) is not handed to kustomize', async () => {
    const dir = await repository({ 'app/kustomization.yaml': kustomization('resources:\n  - cm.yaml\n') });
    const ks = readFileSync(join(dir, 'clusters/test/apps.yaml'), 'utf8');
    await writeFile(join(dir, '../outside.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\n  namespace: default\ndata:\n  token: ${MARKER}\n`);
    await writeFile(join(dir, 'clusters/test/apps.yaml'), `${ks}  patches:\n    - path: ${join(dir, '../outside.yaml')}\n      target:\n        kind: ConfigMap\n`);
    const cacheDir = newCacheDir();
    const report = await validateRepository(dir, { runner: recordingKubectl(true).runner, cacheDir });
    expect(JSON.stringify(report)).not.toContain(MARKER);
    expect(await allText(cacheDir)).not.toContain(MARKER);
  });
});

describe('builds in one kubectl run are split by kustomize’s own annotation, which a repository may not write', () => {
  it.each([
    { spelling: 'config.kubernetes.io/origin', key: 'config.kubernetes.io/origin' },
    // YAML's escape for '/': the text never says config.kubernetes.io/, the annotation still is.
    { spelling: 'an escaped key', key: '"config.kubernetes.io\\u002Forigin"' },
  ])('a hand-written origin ($spelling) cannot move objects to another build: the cluster’s defects are found', async ({ key }) => {
    const dir = join(await tempDir('piksel-hostile-'), 'repo');
    const files: Record<string, string> = {
      'clusters/test/kustomization.yaml': kustomization(`resources:\n  - apps.yaml\ncommonAnnotations:\n  ${key}: "path: ${join(dir, 'other/cm.yaml')}"\n`),
      'clusters/test/apps.yaml':
        'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\nspec:\n  interval: 10m\n  dependsOn:\n    - name: ghost\n  path: ./missing\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n',
      'other/kustomization.yaml': kustomization('resources:\n  - cm.yaml\n'),
      'other/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n  namespace: default\ndata:\n  a: b\n',
    };
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    }
    const cacheDir = newCacheDir();
    for (const run of ['fresh', 'cached']) {
      const report = await validateRepository(dir, { runner: runProcess, cacheDir });
      expect(report.ok, run).toBe(false);
      expect(report.findings.filter((f) => f.check === 'graph').map((f) => f.message), run).toEqual(
        expect.arrayContaining([expect.stringMatching(/dependsOn 'flux-system\/ghost' names no Kustomization/), 'spec.path ./missing does not exist in the repository']),
      );
    }
  });
});

describe('an origin annotation naming a file its build cannot read', () => {
  it('is not believed: that file is still checked as written, and its error reported', async () => {
    const dir = join(await tempDir('piksel-hostile-'), 'repo');
    const origin = `config.kubernetes.io/origin: "path: ${join(dir, 'notes/broken.yaml')}"`;
    const files: Record<string, string> = {
      'clusters/test/apps.yaml':
        'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ./app\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n',
      'app/kustomization.yaml': kustomization(`resources:\n  - cm.yaml\ncommonAnnotations:\n  ${origin}\n`),
      'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\n  namespace: default\ndata:\n  a: b\n',
      'notes/broken.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: broken\n  namespace: default\ndata: 5\n',
    };
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    }
    const report = await validateRepository(dir, { runner: runProcess });
    expect(report.findings).toContainEqual(expect.objectContaining({ severity: 'error', check: 'schema', file: 'notes/broken.yaml' }));
  });
});

describe('a build that did not end on its own', () => {
  it('killed by a signal after printing a warning: reported, never cached as the folder’s failure', async () => {
    const dir = await repository({ 'app/kustomization.yaml': kustomization('resources:\n  - cm.yaml\n') });
    const bin = await tempDir('piksel-killed-');
    const killed = join(bin, 'kubectl');
    await writeFile(killed, "#!/bin/sh\necho \"Warning: 'commonLabels' is deprecated. Please use 'labels' instead.\" >&2\nkill -9 $$\n", { mode: 0o755 });
    const viaKilled: ProcessRunner = (command, args, options) => runProcess(command === 'kubectl' && args[0] === 'kustomize' ? killed : command, args, options);
    const cacheDir = newCacheDir();

    const first = await validateRepository(dir, { runner: viaKilled, cacheDir });
    const second = await validateRepository(dir, { runner: runProcess, cacheDir });
    expect(second.findings).toEqual([]);
    expect(second.ok).toBe(true);
    expect(first.ok).toBe(false);
    expect(kustomizeFindings(first).join('\n')).toMatch(/kubectl was stopped: it was ended by SIGKILL/);
  });

  it('a kubectl past its memory cap is killed (the cap is a hard one, unlike GOMEMLIMIT)', async () => {
    // Grows by 8 MiB every few milliseconds to 256 MiB, then waits: the watcher must end it first.
    const grow = 'const a = []; const t = setInterval(() => { a.push(Buffer.alloc(8 << 20, 1)); if (a.length >= 32) clearInterval(t); }, 5); setTimeout(() => {}, 4000);';
    const result = await runProcess(process.execPath, ['-e', grow], { maxMemoryBytes: 96 * 1024 * 1024 });
    expect(result).toMatchObject({ signal: 'SIGKILL', outOfMemory: true });
  });
});

describe('Secrets inside Lists', () => {
  it.each(['List', 'SecretList'])('a plain Secret among the items of a %s is a finding, and its value reaches no cache', async (kind) => {
    const list = `apiVersion: v1\nkind: ${kind}\nitems:\n  - apiVersion: v1\n    kind: Secret\n    metadata:\n      name: db\n      namespace: default\n    stringData:\n      password: ${MARKER}\n`;
    const dir = await repository({ 'app/kustomization.yaml': kustomization('resources:\n  - cm.yaml\n  - list.yaml\n'), 'app/list.yaml': list });
    const cacheDir = newCacheDir();
    const report = await validateRepository(dir, { runner: runProcess, cacheDir });
    expect(report.findings).toContainEqual(expect.objectContaining({ severity: 'error', check: 'secrets', file: 'app/list.yaml', line: 9, object: 'Secret/default/db' }));
    expect(await allText(cacheDir)).not.toContain('password');
  });
});

describe('kubectl’s identity in the build cache key', () => {
  it('behind a version manager’s shim, switching versions changes the key', async () => {
    const bin = await tempDir('piksel-shim-');
    for (const version of ['1.29.0', '1.31.0']) await writeFile(join(bin, `kubectl-${version}`), `#!/bin/sh\necho "Client Version: v${version}"\n`, { mode: 0o755 });
    // asdf's shims are scripts like this one: the same file whichever version runs.
    await writeFile(join(bin, 'kubectl'), '#!/bin/sh\nexec "$(dirname "$0")/kubectl-$(cat "$(dirname "$0")/selected")" "$@"\n', { mode: 0o755 });
    const repo = new RepoIndex(['app/kustomization.yaml', 'app/cm.yaml']);
    const keyWith = async (version: string) => {
      await writeFile(join(bin, 'selected'), version);
      const cache = new FolderBuildCache(newCacheDir(), '/nonexistent', new BuildInputs(repo, new Map()), () => 'hash', { PATH: `${bin}:/usr/bin:/bin` });
      return cache.keyOf({ resources: ['app'] });
    };
    const old = await keyWith('1.29.0');
    expect(old).toMatch(/^[0-9a-f]{64}$/);
    expect(await keyWith('1.31.0')).not.toBe(old);
    expect(await keyWith('1.29.0')).toBe(old);
  });
});

describe('cache folders another user could write', () => {
  /** A repository with a YAML error, and a parse-cache entry planted to say the file parsed cleanly. */
  async function plantedCache(cacheDir: string) {
    const bad = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dup\n  name: dup\n';
    const dir = await repository({ 'app/kustomization.yaml': kustomization('resources:\n  - cm.yaml\n'), 'notes/bad.yaml': bad });
    await mkdir(cacheDir, { recursive: true });
    const docs = [{ index: 0, line: 1, value: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dup' } } }];
    await writeFile(join(cacheDir, 'yaml-parse-v1.tsv'), `yaml-parse-v1\t${await toolIdentity()}\n${hashText(bad)}\t${JSON.stringify(docs)}\n`);
    return dir;
  }
  const duplicateKey = expect.objectContaining({ severity: 'error', check: 'yaml', file: 'notes/bad.yaml' });

  it('a cache folder others may write to is not used: a planted parse does not hide an error', async () => {
    const cacheDir = newCacheDir();
    const dir = await plantedCache(cacheDir);
    await chmod(cacheDir, 0o777);
    const report = await validateRepository(dir, { runner: recordingKubectl(false).runner, cacheDir });
    expect(report.findings).toContainEqual(duplicateKey);
    expect(report.stats.cachedBuilds).toBeUndefined(); // ran without a cache
  });

  it.runIf(process.getuid?.() === 0)('an entry another user owns, in the user’s own folder, is not believed', async () => {
    const cacheDir = newCacheDir();
    const dir = await plantedCache(cacheDir);
    await chown(join(cacheDir, 'yaml-parse-v1.tsv'), 65534, 65534);
    const report = await validateRepository(dir, { runner: recordingKubectl(false).runner, cacheDir });
    expect(report.findings).toContainEqual(duplicateKey);
  });
});

describe('repository files the reader must not hang or fail on', () => {
  it('a 700 MB manifest, a FIFO and a link to /dev/zero: validate ends, and says the manifest was not checked', async () => {
    const dir = await repository({ 'app/kustomization.yaml': kustomization('resources:\n  - cm.yaml\n') });
    await writeFile(join(dir, 'notes/huge.yaml'.replace('notes/', '')), '');
    await truncate(join(dir, 'huge.yaml'), 700 * 1024 * 1024); // sparse: no disk used
    await execa('mkfifo', [join(dir, 'app/pipe.yaml')]);
    await symlink('/dev/zero', join(dir, 'zero.yaml'));
    const report = await validateRepository(dir, { runner: recordingKubectl(false).runner });
    expect(report.findings).toContainEqual(expect.objectContaining({ severity: 'warning', check: 'yaml', file: 'huge.yaml', message: 'not checked: 700 MiB, larger than the 8 MiB validate reads' }));
    expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });
});

describe('a staged tree (the check before a write) read from disk', () => {
  it('a path that is a link on disk is not a file of the repository: a kustomization naming it is not built', async () => {
    const dir = await tempDir('piksel-staged-');
    const outside = join(await tempDir('piksel-outside-'), 'leak.yaml');
    await writeFile(outside, `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: leak\n  namespace: default\ndata:\n  token: ${MARKER}\n`);
    const written = new Map<string, string>([
      ['clusters/test/apps.yaml', 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ./app\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n'],
      ['app/kustomization.yaml', kustomization('resources:\n  - leak.yaml\n')],
      // Text that does not read back as written (a lone surrogate): the checks read it from disk, where a link stands.
      ['app/leak.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: leak\n  annotations:\n    note: "\uD800"\n'],
    ]);
    const writeOnDemand = async (paths?: Iterable<string>) => {
      for (const path of paths ?? written.keys()) {
        await mkdir(dirname(join(dir, path)), { recursive: true });
        if (path === 'app/leak.yaml') await symlink(outside, join(dir, path)).catch(() => undefined);
        else await writeFile(join(dir, path), written.get(path)!);
      }
    };
    const kubectl = recordingKubectl(true);
    const report = await validateRepository(dir, { runner: kubectl.runner, written, writeOnDemand });
    expect(kustomizeFindings(report)).toContainEqual(expect.stringMatching(/^app\/kustomization\.yaml: resources entry 'leak\.yaml' goes through a symbolic link/));
    expect(kubectl.builtIn(dir)).not.toContain('app');
    expect(JSON.stringify(report)).not.toContain(MARKER);
  });
});

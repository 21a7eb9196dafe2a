import { dirOf, KUSTOMIZATION_NAMES } from './files.js';
import { isMap } from './objects.js';
import { isRemoteEntry, resolveRepoPath, type RepoIndex, type RepoPath } from './repo-paths.js';
import type { Finding } from './types.js';
import { lineOfPath } from './yaml.js';
import type { SourceDoc } from './types.js';

/** What a kustomization.yaml refers to, resolved to repository paths. */
export interface KustomizationModel {
  readonly dir: RepoPath;
  readonly file: RepoPath;
  readonly source: SourceDoc;
  /** `kind: Component`: built only through a `components:` entry, never on its own. */
  readonly isComponent: boolean;
  /** The `namespace:` it sets on everything it builds. */
  readonly namespace?: string;
  /** Local folders it builds from (resources, components, bases). */
  readonly dirs: readonly RepoPath[];
  /** Local manifest files it lists as resources. */
  readonly resourceFiles: readonly RepoPath[];
  /** Files it reads that are not manifests on their own (patches, generator inputs). */
  readonly inputFiles: readonly RepoPath[];
  /** Missing or unusable entries: check 3's static half, with the line of the entry. */
  readonly findings: readonly Finding[];
}

type Entry = { value: string; path: (string | number)[]; role: 'resource' | 'component' | 'input' };

const strings = (v: unknown) => (Array.isArray(v) ? v : []);

function entriesOf(k: Record<string, unknown>): Entry[] {
  const entries: Entry[] = [];
  for (const field of ['resources', 'bases'] as const)
    strings(k[field]).forEach((v, i) => typeof v === 'string' && entries.push({ value: v, path: [field, i], role: 'resource' }));
  strings(k.components).forEach((v, i) => typeof v === 'string' && entries.push({ value: v, path: ['components', i], role: 'component' }));
  strings(k.patches).forEach((p, i) => isMap(p) && typeof p.path === 'string' && entries.push({ value: p.path, path: ['patches', i, 'path'], role: 'input' }));
  strings(k.patchesJson6902).forEach((p, i) => isMap(p) && typeof p.path === 'string' && entries.push({ value: p.path, path: ['patchesJson6902', i, 'path'], role: 'input' }));
  strings(k.patchesStrategicMerge).forEach((v, i) => typeof v === 'string' && !v.includes('\n') && entries.push({ value: v, path: ['patchesStrategicMerge', i], role: 'input' }));
  for (const generator of ['configMapGenerator', 'secretGenerator'] as const)
    strings(k[generator]).forEach((g, i) => {
      if (!isMap(g)) return;
      for (const field of ['files', 'envs'] as const)
        strings(g[field]).forEach((v, j) => typeof v === 'string' && entries.push({ value: v.slice(v.indexOf('=') + 1), path: [generator, i, field, j], role: 'input' }));
      if (typeof g.env === 'string') entries.push({ value: g.env, path: [generator, i, 'env'], role: 'input' });
    });
  return entries;
}

/** Reads one kustomization file; every local entry must exist, and a folder entry must be a kustomization. */
export function readKustomization(source: SourceDoc, repo: RepoIndex): KustomizationModel {
  const file = source.file;
  const dir = dirOf(file);
  const k = isMap(source.value) ? source.value : {};
  const dirs: RepoPath[] = [];
  const resourceFiles: RepoPath[] = [];
  const inputFiles: RepoPath[] = [];
  const findings: Finding[] = [];
  const fail = (entry: Entry, message: string, hint: string) =>
    findings.push({ severity: 'error', check: 'kustomize', file, line: lineOfPath(source, entry.path), message, hint });

  for (const entry of entriesOf(k)) {
    if (entry.role !== 'input' && isRemoteEntry(entry.value)) continue;
    const target = entry.value.startsWith('/') ? undefined : resolveRepoPath(dir, entry.value);
    const listed = `${entry.path[0]} entry '${entry.value}'`;
    if (target === undefined) {
      // Flux builds from the repository alone: anything outside it is missing on the cluster.
      fail(entry, `${listed} leaves the repository`, `Flux builds only what is inside the repository: move the file in, or remove the entry from ${file}`);
      continue;
    }
    const kind = repo.kind(target);
    if (kind === undefined) {
      fail(entry, `${listed} does not exist (${target || '.'} is missing)`, `create ${target} or remove the entry from ${file}`);
    } else if (entry.role === 'input') {
      if (kind === 'dir') fail(entry, `${listed} is a folder, not a file`, 'point the entry at a file');
      else inputFiles.push(target);
    } else if (kind === 'dir') {
      if (!hasKustomizationFile(repo, target))
        fail(entry, `${listed} is a folder without a kustomization.yaml`, `add ${target}/kustomization.yaml listing its files, or list the files themselves`);
      else dirs.push(target);
    } else if (entry.role === 'component') {
      fail(entry, `${listed} is a file; a component must be a folder with a kustomization.yaml (kind: Component)`, 'point the entry at the component folder');
    } else resourceFiles.push(target);
  }
  return {
    dir,
    file,
    source,
    isComponent: k.kind === 'Component',
    namespace: typeof k.namespace === 'string' ? k.namespace : undefined,
    dirs,
    resourceFiles,
    inputFiles,
    findings,
  };
}

export const kustomizationFileIn = (repo: RepoIndex, dir: RepoPath) =>
  KUSTOMIZATION_NAMES.map((name) => (dir ? `${dir}/${name}` : name)).find((path) => repo.files.has(path));

export const hasKustomizationFile = (repo: RepoIndex, dir: RepoPath) => kustomizationFileIn(repo, dir) !== undefined;

/**
 * Folders that include themselves, directly or through others (a → b → a): kustomize refuses to
 * build them. One finding per cycle, on the first folder of it, with the whole loop named.
 */
export function includeCycles(models: readonly KustomizationModel[]): Finding[] {
  const byDir = new Map(models.map((m) => [m.dir, m]));
  const done = new Set<RepoPath>();
  const reported = new Set<string>();
  const findings: Finding[] = [];
  const walk = (dir: RepoPath, path: RepoPath[]) => {
    const at = path.indexOf(dir);
    if (at >= 0) {
      const loop = path.slice(at);
      const first = [...loop].sort()[0]!;
      const start = loop.indexOf(first);
      const ordered = [...loop.slice(start), ...loop.slice(0, start)];
      const key = ordered.join('\0');
      if (reported.has(key)) return;
      reported.add(key);
      const model = byDir.get(first)!;
      const next = ordered[1] ?? first;
      const entry = (['resources', 'bases', 'components'] as const)
        .flatMap((field) => strings((isMap(model.source.value) ? model.source.value : {})[field]).map((v, i) => ({ v, path: [field, i] })))
        .find(({ v }) => typeof v === 'string' && resolveRepoPath(model.dir, v) === next);
      findings.push({
        severity: 'error',
        check: 'kustomize',
        file: model.file,
        line: entry ? lineOfPath(model.source, entry.path) : undefined,
        message: `kustomization include cycle: ${[...ordered, first].map((d) => d || '.').join(' → ')}`,
        hint: `a folder cannot include itself: remove the entry for ${next || '.'} from ${model.file} (or the one closing the loop)`,
      });
      return;
    }
    if (done.has(dir)) return;
    const model = byDir.get(dir);
    if (!model) return;
    for (const d of model.dirs) walk(d, [...path, dir]);
    done.add(dir);
  };
  for (const model of [...models].sort((a, b) => a.dir.localeCompare(b.dir))) walk(model.dir, []);
  return findings;
}

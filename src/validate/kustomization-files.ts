import { dirOf, KUSTOMIZATION_NAMES } from './files.js';
import { isMap } from './objects.js';
import { parseAllDocuments } from 'yaml';
import { isRemoteEntry, resolveRepoPath, type RepoIndex, type RepoPath, type UnlistedKind } from './repo-paths.js';
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

/**
 * A string of a kustomization file that names something kustomize reads. `role`: what it must be
 * (a folder or manifest, a component folder, a file read as input, a plugin configuration: a
 * file, or inline YAML; `any`: a file or a folder, such as helm's chart home); `via`: the plugin configuration field it was found in, if any.
 */
type Entry = { value: string; path: (string | number)[]; role: 'resource' | 'component' | 'input' | 'plugin' | 'any'; via?: string };

const strings = (v: unknown) => (Array.isArray(v) ? v : []);

/** Fields of a kustomization that list files or folders (kustomize's Kustomization type). */
const LISTS = { resources: 'resource', bases: 'resource', components: 'component', crds: 'input', configurations: 'input', generators: 'plugin', transformers: 'plugin', validators: 'plugin' } as const;

/** A generator's file source may carry its key: `[key=]path`. */
const fileSource = (v: string) => v.slice(v.indexOf('=') + 1);

function entriesOf(k: Record<string, unknown>): Entry[] {
  const entries: Entry[] = [];
  const add = (value: unknown, path: (string | number)[], role: Entry['role'] = 'input') => typeof value === 'string' && entries.push({ value, path, role });
  for (const [field, role] of Object.entries(LISTS)) strings(k[field]).forEach((v, i) => add(v, [field, i], role));
  for (const field of ['patches', 'patchesJson6902', 'replacements']) strings(k[field]).forEach((p, i) => isMap(p) && add(p.path, [field, i, 'path']));
  strings(k.patchesStrategicMerge).forEach((v, i) => typeof v === 'string' && !v.includes('\n') && add(v, ['patchesStrategicMerge', i]));
  if (isMap(k.openapi)) add(k.openapi.path, ['openapi', 'path']);
  for (const generator of ['configMapGenerator', 'secretGenerator'] as const)
    strings(k[generator]).forEach((g, i) => {
      if (!isMap(g)) return;
      for (const field of ['files', 'envs'] as const) strings(g[field]).forEach((v, j) => typeof v === 'string' && add(fileSource(v), [generator, i, field, j]));
      add(g.env, [generator, i, 'env']);
    });
  // kubectl kustomize inflates no chart (it is never given --enable-helm), but a chart's repository is still a fetch, and its files still reads.
  strings(k.helmCharts).forEach((c, i) => {
    if (!isMap(c)) return;
    add(c.repo, ['helmCharts', i, 'repo'], 'any');
    add(c.valuesFile, ['helmCharts', i, 'valuesFile']);
    strings(c.additionalValuesFiles).forEach((v, j) => add(v, ['helmCharts', i, 'additionalValuesFiles', j]));
  });
  if (isMap(k.helmGlobals)) for (const field of ['chartHome', 'configHome']) add(k.helmGlobals[field], ['helmGlobals', field], 'any');
  strings(k.helmChartInflationGenerator).forEach((c, i) => isMap(c) && ['chartRepoUrl', 'chartHome', 'values'].forEach((field) => add(c[field], ['helmChartInflationGenerator', i, field], 'any')));
  return entries;
}

/** Fields of kustomize's built-in plugin configurations (generators, transformers) that name files (or folders: helm's), and the subtrees that never do. */
const PLUGIN_PATH_FIELDS = new Set(['files', 'envs', 'env', 'path', 'paths', 'valuesFile', 'additionalValuesFiles']);
const PLUGIN_ANY_FIELDS = new Set(['chartHome', 'configHome', 'repo', 'chartRepoUrl', 'values']);
const PLUGIN_OTHER_FIELDS = new Set(['metadata', 'fieldSpecs', 'target', 'targets', 'source', 'select', 'reject', 'options', 'literals', 'valuesInline', 'valuesLocal', 'patch']);

/** The file names in plugin configurations (inline or in a file): each is checked as an entry of the kustomization, at the line of the plugin entry. */
function pluginEntries(text: string, at: Entry, from: string): Entry[] {
  const found: Entry[] = [];
  const walk = (value: unknown, field?: string) => {
    if (typeof value === 'string') {
      if (field !== undefined)
        found.push({ value: field === 'files' ? fileSource(value) : value, path: at.path, role: PLUGIN_ANY_FIELDS.has(field) ? 'any' : 'input', via: `${field} of ${from}` });
    } else if (Array.isArray(value)) value.forEach((v) => walk(v, field));
    else if (isMap(value))
      for (const [key, v] of Object.entries(value)) if (!PLUGIN_OTHER_FIELDS.has(key)) walk(v, PLUGIN_PATH_FIELDS.has(key) || PLUGIN_ANY_FIELDS.has(key) ? key : undefined);
  };
  try {
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length > 0) throw doc.errors[0];
      walk(doc.toJS({ maxAliasCount: 100 }));
    }
  } catch {
    found.push({ value: '', path: at.path, role: 'plugin', via: '(unreadable)' });
  }
  return found;
}

/** The field an entry is in, as a person finds it: `resources`, `configMapGenerator.files`. */
const fieldOf = (entry: Entry) => entry.path.filter((p) => typeof p === 'string').join('.');

/** Why kustomize must not read an entry's target: the finding's message and hint (undefined: it may). */
const UNLISTED: Record<UnlistedKind, (listed: string, target: RepoPath) => [string, string]> = {
  symlink: (listed, target) => [`${listed} goes through a symbolic link (${target}): validate never follows one out of the repository`, 'commit the file itself in place of the link'],
  special: (listed, target) => [`${listed} is not a regular file (${target} is a FIFO, device or socket)`, 'point the entry at a regular file in the repository'],
  unlisted: (listed, target) => [`${listed} names ${target}, which is not part of the repository's files`, 'point the entry at a file the repository tracks'],
};

/**
 * Reads one kustomization file; every entry must be local and inside the repository, a listed
 * regular file or folder (never through a symbolic link, never in .git), and a folder entry must
 * be a kustomization. A folder with any finding is never built (see BuildInputs.refusal): kustomize
 * would read or fetch what the finding names.
 */
export function readKustomization(source: SourceDoc, repo: RepoIndex, readText: (path: RepoPath) => string | undefined = () => undefined): KustomizationModel {
  const file = source.file;
  const dir = dirOf(file);
  const k = isMap(source.value) ? source.value : {};
  const dirs: RepoPath[] = [];
  const resourceFiles: RepoPath[] = [];
  const inputFiles: RepoPath[] = [];
  const findings: Finding[] = [];
  const fail = (entry: Entry, message: string, hint: string) =>
    findings.push({ severity: 'error', check: 'kustomize', file, line: lineOfPath(source, entry.path), message, hint });

  const pending = entriesOf(k);
  for (let n = 0; n < pending.length; n++) {
    const entry = pending[n]!;
    const listed = `${fieldOf(entry)}${entry.via ? ` (${entry.via})` : ''} entry '${entry.value}'`;
    if (entry.via === '(unreadable)') {
      fail(entry, `${fieldOf(entry)}: a plugin configuration that is not valid YAML`, 'fix the YAML of the configuration');
      continue;
    }
    if (entry.role === 'plugin' && entry.value.includes('\n')) {
      pending.push(...pluginEntries(entry.value, entry, 'its inline plugin configuration'));
      continue;
    }
    if (isRemoteEntry(entry.value)) {
      fail(entry, `${listed} is remote: validate works offline and never fetches (kustomize would, with your Git credentials)`, `vendor it: copy what it names into the repository and list that path in ${file}`);
      continue;
    }
    const target = entry.value.startsWith('/') ? undefined : resolveRepoPath(dir, entry.value);
    if (target === undefined) {
      // Flux builds from the repository alone: anything outside it is missing on the cluster.
      fail(entry, `${listed} leaves the repository`, `Flux builds only what is inside the repository: move the file in, or remove the entry from ${file}`);
      continue;
    }
    if (target.split('/').includes('.git')) {
      fail(entry, `${listed} points into .git`, `Git's own files are not part of what Flux builds: remove the entry from ${file}`);
      continue;
    }
    const kind = repo.kind(target);
    const unlisted = kind === undefined ? repo.unlisted(target) : undefined;
    if (unlisted) {
      fail(entry, ...UNLISTED[unlisted](listed, target));
    } else if (kind === undefined) {
      fail(entry, `${listed} does not exist (${target || '.'} is missing)`, `create ${target} or remove the entry from ${file}`);
    } else if (entry.role === 'plugin') {
      if (kind === 'dir') fail(entry, `${listed} is a folder: validate checks plugin configurations given as files or inline only`, 'list the configuration files themselves');
      else {
        inputFiles.push(target);
        const text = readText(target);
        if (text === undefined) fail(entry, `${listed}: the plugin configuration ${target} could not be read (binary or too large)`, 'keep plugin configurations small YAML files');
        else pending.push(...pluginEntries(text, entry, `the plugin configuration ${target}`));
      }
    } else if (entry.role === 'any') {
      if (kind === 'file') inputFiles.push(target);
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

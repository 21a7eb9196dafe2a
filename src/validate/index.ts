import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ownFolder } from '../cache-file.js';
import { inputError } from '../errors.js';
import { runProcess, type ProcessRunner } from '../process.js';
import { ANSWERS_FILE } from '../project/files.js';
import { checkApiVersions } from './api-versions.js';
import { BuildInputs, FolderBuildCache } from './build-cache.js';
import { clusterRootRequest, kustomizationBuild, KustomizeBuilder, type BuildOutcome, type InputWriter } from './builds.js';
import { collectCluster, locator, staticExpander, type ClusterContext, type ClusterResult } from './cluster-objects.js';
import { isGotkComponents, isKustomizationFile, isManifestCandidate, MAX_TEXT_BYTES, readRepositoryFiles, readsBackAsWritten, scanInChunks, type RepoFile } from './files.js';
import { CheckReuse, type CheckRecord } from './check-reuse.js';
import { BuildFailures, buildFolders, outermostFolders } from './folder-builds.js';
import { checkConflictMarkers } from './conflicts.js';
import { checkDeployability, checkSharedDatabaseServers, expectedFromAnswers, type ExpectedObjects } from './deploy.js';
import { checkClusterGraph } from './graph.js';
import { findKind } from './kinds.js';
import { groupOf, isFluxGroup } from './objects.js';
import { includeCycles, readKustomization, type KustomizationModel } from './kustomization-files.js';
import { FileParseCache, hashText, type ParseCache } from './parse-cache.js';
import { normalizeFindings } from './report.js';
import { RepoIndex, resolveRepoPath, type RepoPath } from './repo-paths.js';
import { checkSchemas } from './schema/check.js';
import { schemasFromCrds, type CrdSchema } from './schema/crd-schemas.js';
import { checkEndOfLife } from './end-of-life.js';
import { loadPrecompiledValidators, SchemaRegistry } from './schema/registry.js';
import { checkPlainSecret, checkSecretGenerators, scanTextForTokens } from './secrets.js';
import { sourceIgnoreMatcher } from './sourceignore.js';
import { toolIdentity } from './tool-identity.js';
import type { Finding, KubeObject, LocatedObject, ValidationReport } from './types.js';
import { isObjectDoc, parseYamlFile, type ParsedFile } from './yaml.js';
import type { SourceDoc } from './types.js';

export type { Check, Finding, ValidationReport } from './types.js';
export { formatReport } from './report.js';
export { defaultCacheDir } from './build-cache.js';

export interface ValidateOptions {
  /** Limit the graph checks (and the Flux Kustomization builds) to clusters/<cluster>/. */
  cluster?: string;
  /** Missing kubectl is an error instead of a warning. */
  strict?: boolean;
  /** How kubectl is run; tests swap it. */
  runner?: ProcessRunner;
  /**
   * Where kustomize build outcomes are remembered across runs (keyed by a hash of every input);
   * no folder, no cache. The commands pass the user's cache folder (defaultCacheDir).
   */
  cacheDir?: string;
  /**
   * Files the caller has just written into `dir`, path → text (a staged tree): used instead of
   * reading them back. Every other file of `dir` is read as usual.
   */
  written?: ReadonlyMap<string, string>;
  /**
   * Given, `dir` starts empty and `written` is every file of the repository: this puts files of it
   * into `dir` (no list: all of them), and is asked for only what is read from disk (what kustomize
   * builds read, files not held as text), just before it is read. A staged tree is mostly files a
   * cached build already answered for: they are never written.
   */
  writeOnDemand?: WriteOnDemand;
}

/** Puts files of a staged tree on disk (no list: all of them); see ValidateOptions.writeOnDemand. */
export type WriteOnDemand = (paths?: Iterable<string>) => Promise<void>;

const BUILD_CONCURRENCY = 4;

/**
 * Checks a Flux repository offline: YAML, API versions, kustomize builds, schemas, the
 * dependency graph of each cluster, committed secrets, and what would keep it from running
 * (deploy). Throws an input error when `dir` is not a folder or `cluster` names no cluster
 * folder; every defect of the repository is a finding.
 */
export async function validateRepository(dir: string, options: ValidateOptions = {}): Promise<ValidationReport> {
  const root = resolve(dir);
  if (!(await stat(root).then((s) => s.isDirectory(), () => false))) throw inputError(`validate ${dir}: not a folder: give the path of a repository`);
  // A cache folder someone else owns or may write to is not used at all (cache-file.ts, ownFolder).
  if (options.cacheDir !== undefined && !(await ownFolder(options.cacheDir))) options = { ...options, cacheDir: undefined };
  const tool = options.cacheDir === undefined ? undefined : await toolIdentity();
  const parseCache = options.cacheDir === undefined ? undefined : await FileParseCache.open(options.cacheDir, tool!);
  const sources = await readSources(root, options, parseCache);
  const { clusters } = sources;
  if (clusters.length === 0) throw notFlux(dir, 'it has no clusters/ folder');
  if (options.cluster !== undefined && !clusters.includes(options.cluster))
    throw inputError(`--cluster ${options.cluster}: there is no folder clusters/${options.cluster} in ${dir}`, clusters.length ? [`clusters: ${clusters.join(', ')}`] : []);

  const inputs = new BuildInputs(sources.repo, sources.modelByDir, sources.textOf);
  const cache = options.cacheDir === undefined ? undefined : new FolderBuildCache(options.cacheDir, root, inputs, sources.hashOf, process.env, options.runner ?? runProcess);
  const reuse = options.cacheDir === undefined || !cache ? undefined : new CheckReuse(options.cacheDir, globalInputs(sources, tool!), cache, sources.repo);
  const writeInputs = options.writeOnDemand && inputWriter(options.writeOnDemand, inputs);
  const builder = new KustomizeBuilder(root, options.runner ?? runProcess, BUILD_CONCURRENCY, cache, (request) => inputs.batchInputs(request), writeInputs, inputs);
  try {
    const { expected, findings: answersFindings } = expectedFromAnswers(sources.texts.find((t) => t.path === ANSWERS_FILE));
    const checkedClusters = options.cluster ? [options.cluster] : clusters;
    const reused = await reusableChecks(sources, reuse, checkedClusters, expected);
    const toBuild = checkedClusters.filter((c) => !reused.clusters.has(c));
    // kubectl starts on what the kustomization files already say, and works while the rest is parsed.
    startBuilds(sources, builder, toBuild, new Set(reused.folders.keys()));
    await builder.dispatched();
    const repository = completeRepository(sources);
    if (!repository.objectDocs.some((d) => isFluxGroup(groupOf(d.value)))) throw notFlux(dir, 'no file holds a Flux object (a Kustomization, GitRepository, HelmRelease, …)');

    const findings = [...checkAsWritten(repository), ...answersFindings, ...checkSharedDatabaseServers(sources.texts)];
    // While kubectl works, the schema validators (half a megabyte of code) load.
    if (builder.started > 0) void loadPrecompiledValidators();
    const builds = await buildEverything(repository, builder, toBuild, new Set(reused.folders.keys()));
    findings.push(...builds.findings);
    if (builder.kubectlMissing) findings.push(kubectlMissing(options.strict ?? false));

    const checked = await checkUnits(repository, builds, reused, reuse, expected);
    findings.push(...checked.findings);

    const sorted = oneNoSchemaWarningPerKind(normalizeFindings(findings));
    return {
      ok: !sorted.some((f) => f.severity === 'error'),
      findings: sorted,
      stats: {
        files: repository.parsed.length,
        objects: checked.objects,
        builds: builder.runs,
        kubectlRuns: builder.processes,
        ...(cache ? { cachedBuilds: builder.cached } : {}),
        ...(reuse ? { reusedClusters: reused.clusters.size, reusedFolders: reused.folders.size } : {}),
      },
    };
  } finally {
    await Promise.all([builder.dispose(), parseCache?.save()]);
  }
}

/**
 * Checks 4, 5 and 7 per unit (an outermost folder, a cluster) built in this run; the findings of
 * reused units as recorded; manifests no build reached, as written. Records each unit that passed.
 */
async function checkUnits(
  repository: Repository,
  builds: Builds,
  reused: Awaited<ReturnType<typeof reusableChecks>>,
  reuse: CheckReuse | undefined,
  expected: ExpectedObjects,
): Promise<{ findings: Finding[]; objects: number }> {
  const findings: Finding[] = [];
  // The objects each unit (a folder, a cluster) checks, and what no build reached (checked as written).
  const locate = locator(repository.docsByFile);
  const folderUnits = builds.folders.map(({ model, outcome }) => ({ model, outcome, objects: outcome.status === 'ok' ? ownObjects(outcome.objects.map((b) => locate(b, model.file))) : [] }));
  const clusterUnits = builds.clusters.map((cluster) => ({ cluster, objects: ownObjects(cluster.builds.flatMap((b) => (b.outcome.status === 'ok' ? b.objects : []))) }));
  const covered = new Set([...folderUnits, ...clusterUnits].flatMap((u) => u.objects.map((o) => o.file)));
  for (const record of [...reused.folders.values(), ...reused.clusters.values()]) {
    findings.push(...record.findings);
    record.covered.forEach((f) => covered.add(f));
  }
  const inputs = new Set(repository.models.flatMap((m) => m.inputFiles));
  const loose = repository.objectDocs
    .filter((d) => !covered.has(d.file) && !inputs.has(d.file))
    .map((d): LocatedObject => ({ object: d.value, file: d.file, line: d.line, source: d }));
  if (loose.length > 0 || folderUnits.some((u) => u.objects.length > 0) || clusterUnits.some((u) => u.objects.length > 0)) await loadPrecompiledValidators();

  const schema = new SchemaFindings(repository.registry);
  const records: Promise<void>[] = [];
  for (const { model, outcome, objects } of folderUnits) {
    const unit = objects.flatMap((o) => schema.of(o));
    findings.push(...unit);
    if (reuse && outcome.status === 'ok' && !builds.innerFolders.has(model.dir))
      records.push(reuse.saveFolder(model.dir, { findings: unit, covered: [...new Set(objects.map((o) => o.file))] }));
  }
  for (const { cluster, objects } of clusterUnits) {
    const unit = [
      ...cluster.findings,
      ...cluster.builds.flatMap((b) => builds.failures.fluxFinding(b)),
      ...objects.flatMap((o) => schema.of(o)),
      ...checkClusterGraph({ name: cluster.name, objects: cluster.objects, isNamespaced: repository.isNamespaced, incomplete: cluster.incomplete }),
      ...checkDeployability(cluster, expected),
    ];
    findings.push(...unit);
    if (reuse && cluster.builds.every((b) => b.outcome.status === 'ok'))
      records.push(reuse.saveCluster(cluster.name, expectedIn(expected, cluster.name), cluster.builds, { findings: unit, covered: [...new Set(objects.map((o) => o.file))] }));
  }
  for (const o of loose) findings.push(...schema.of(o));
  await Promise.all(records);
  return { findings, objects: schema.checked };
}

const notFlux = (dir: string, why: string) =>
  inputError(`validate ${dir}: not a Flux repository: ${why}: give the folder of a repository made by create-piksel-gitops`);

/** The builds every run asks for first (the outermost folders, each cluster's root), asked for now so they run together and early. */
function startBuilds(sources: Sources, builder: KustomizeBuilder, clusters: readonly string[], skipFolders: ReadonlySet<string>): void {
  const requests = [
    ...outermostFolders(sources.models).filter((dir) => !skipFolders.has(dir)).map(kustomizationBuild),
    ...clusters.map((name) => clusterRootRequest(sources.repo, `clusters/${name}`)),
  ];
  // Their outcomes are read later, through the same builder; a failure here is reported there.
  for (const request of requests) builder.build(request).catch(() => undefined);
}

/** What every check's result depends on besides the files a build reads: the tool and the CRDs. */
function globalInputs({ texts, hashOf }: Sources, tool: string): string {
  const crds = texts.filter((t) => isGotkComponents(t.path)).map((t) => `${t.path}\0${hashOf(t.path)}`);
  return `${tool}\0${crds.join('\0')}`;
}

/**
 * What the deploy check of one cluster reads from the stored answers, as text: adding a cluster
 * to the answers does not change it for the others. Every field of ExpectedObjects the deploy
 * check reads must be in it.
 */
const expectedIn = (expected: ExpectedObjects, cluster: string) =>
  JSON.stringify({ known: expected.known, secrets: [...expected.secrets].sort(), storageClasses: [...expected.storageClasses(cluster)].sort() });

/** The clusters and outermost folders whose checks passed before on the same inputs. */
async function reusableChecks(repository: Sources, reuse: CheckReuse | undefined, clusters: readonly string[], expected: ExpectedObjects) {
  const none = { folders: new Map<string, CheckRecord>(), clusters: new Map<string, CheckRecord>() };
  if (!reuse) return none;
  const [folders, clusterRecords] = await Promise.all([
    Promise.all(outermostFolders(repository.models).map(async (dir) => [dir, await reuse.folderRecord(dir)] as const)),
    Promise.all(clusters.map(async (name) => [name, await reuse.clusterRecord(name, expectedIn(expected, name))] as const)),
  ]);
  const found = <K>(entries: readonly (readonly [K, CheckRecord | undefined])[]) => new Map(entries.filter((e): e is readonly [K, CheckRecord] => e[1] !== undefined));
  return { folders: found(folders), clusters: found(clusterRecords) };
}

/** What bootstrap wrote from upstream (the controllers, the CRDs) is not the repository's to fix. */
const ownObjects = (objects: readonly LocatedObject[]) => objects.filter((o) => !isGotkComponents(o.file));

/**
 * Check 4 on each distinct object (same file, same content) once, however many builds reach it.
 * An object without a schema is warned about; the report keeps one such warning per kind.
 */
class SchemaFindings {
  private readonly seen = new Map<string, readonly Finding[]>();

  constructor(private readonly registry: SchemaRegistry) {}

  get checked(): number {
    return this.seen.size;
  }

  of(o: LocatedObject): readonly Finding[] {
    const key = `${o.file}\0${JSON.stringify(o.object)}`;
    let found = this.seen.get(key);
    if (!found) this.seen.set(key, (found = checkSchemas([o], this.registry)));
    return found;
  }
}

/**
 * "no schema for Kind": once per kind, at the first object in report order. The same whichever
 * builds ran or were reused, so a report does not depend on what the cache held.
 */
function oneNoSchemaWarningPerKind(findings: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    if (f.check !== 'schema' || f.severity !== 'warning' || !f.message.startsWith('no schema for ')) return true;
    if (seen.has(f.message)) return false;
    seen.add(f.message);
    return true;
  });
}

/**
 * The repository before its manifests are parsed: its files, and its kustomization files (all a
 * build needs to start). completeRepository parses the rest.
 */
interface Sources {
  readonly repo: RepoIndex;
  readonly texts: readonly RepoFile[];
  /** SHA-256 of each text, by path (parse cache and build cache keys). */
  readonly hashOf: (path: string) => string | undefined;
  /** A file's text, by path (undefined: not read, such as a large file). */
  readonly textOf: (path: string) => string | undefined;
  /** Large non-YAML files, scanned in chunks: their findings, and which are SOPS-encrypted. */
  readonly large: { readonly findings: readonly Finding[]; readonly encrypted: ReadonlySet<string>; readonly paths: ReadonlySet<string> };
  readonly models: readonly KustomizationModel[];
  readonly modelByDir: ReadonlyMap<RepoPath, KustomizationModel>;
  readonly clusters: readonly string[];
  readonly parse: (file: RepoFile) => ParsedFile;
  /** The kustomization files, parsed. */
  readonly parsedKustomizations: ReadonlyMap<string, ParsedFile>;
}

/** The repository read once: files, parsed YAML, kustomization files, CRD schemas. */
interface Repository extends Sources {
  readonly parsed: readonly ParsedFile[];
  readonly docsByFile: ReadonlyMap<string, readonly SourceDoc[]>;
  /** Documents that are Kubernetes objects, outside kustomization files. */
  readonly objectDocs: readonly (SourceDoc & { value: KubeObject })[];
  readonly registry: SchemaRegistry;
  readonly isNamespaced: (apiVersion: string, kind: string) => boolean | undefined;
}

/** The files of each build's input closure, written before kubectl reads them (all of them when one cannot be bounded). */
const inputWriter =
  (write: WriteOnDemand, inputs: BuildInputs): InputWriter =>
  async (requests) => {
    const closures = requests?.map((request) => inputs.closure(request));
    if (!closures || closures.some((files) => !files)) return write().then(() => ({ whole: true }));
    return write(closures.flatMap((files) => [...files!])).then(() => ({ whole: false }));
  };

async function readSources(root: string, { written, writeOnDemand }: ValidateOptions, parseCache: ParseCache | undefined): Promise<Sources> {
  // A staged tree written on demand: what is read from disk (binary, large or odd text) goes there first.
  if (writeOnDemand && written) await writeOnDemand([...written].filter(([, text]) => !readsBackAsWritten(text)).map(([path]) => path));
  const { paths, texts, large, sizes } = await readRepositoryFiles(root, written, writeOnDemand && written?.keys());
  const repo = new RepoIndex(paths, sourceIgnoreMatcher(texts), root, sizes);
  const textOf = new Map(texts.map((t) => [t.path, t.text]));
  const hashes = new Map<string, string>();
  const hashOf = (path: string) => {
    let hash = hashes.get(path);
    if (hash === undefined) {
      const text = textOf.get(path);
      if (text === undefined) return undefined;
      hash = hashText(text);
      hashes.set(path, hash);
    }
    return hash;
  };
  const parse = (f: RepoFile) => parseYamlFile(f.path, f.text, parseCache, parseCache && hashOf(f.path));
  const parsedKustomizations = new Map(texts.filter((f) => isManifestCandidate(f) && isKustomizationFile(f.path)).map((f) => [f.path, parse(f)] as const));
  const models = [...parsedKustomizations.values()].filter((p) => p.docs[0]).map((p) => readKustomization(p.docs[0]!, repo, (path) => textOf.get(path)));
  return {
    repo,
    texts,
    hashOf,
    textOf: (path) => textOf.get(path),
    large: await scanLargeFiles(root, large),
    models,
    modelByDir: new Map(models.map((m) => [m.dir, m])),
    clusters: [...repo.dirs].filter((d) => /^clusters\/[^/]+$/.test(d)).map((d) => d.slice('clusters/'.length)).sort(),
    parse,
    parsedKustomizations,
  };
}

function completeRepository(sources: Sources): Repository {
  const { texts, parse, parsedKustomizations } = sources;
  const parsed = texts.filter(isManifestCandidate).map((f) => parsedKustomizations.get(f.path) ?? parse(f));
  const crds = schemasFromCrds(texts.filter((f) => isGotkComponents(f.path)).flatMap((f) => parse(f).docs.map((d) => d.value)));
  return {
    ...sources,
    parsed,
    docsByFile: new Map(parsed.map((p) => [p.file, p.docs])),
    objectDocs: parsed.filter((p) => !isKustomizationFile(p.file)).flatMap((p) => p.docs.filter(isObjectDoc)),
    registry: new SchemaRegistry(crds),
    isNamespaced: namespacedLookup(crds),
  };
}

const SOPS_MARK = /ENC\[AES256_GCM|"sops"|^sops:/m;

/** The text checks on files too large to hold whole, and whether each is SOPS-encrypted. */
async function scanLargeFiles(root: string, paths: readonly string[]): Promise<Repository['large']> {
  const findings: Finding[] = [];
  const encrypted = new Set<string>();
  for (const path of paths) {
    const found = await scanInChunks(root, path, (window): (Finding | { line?: undefined; sops: true })[] => [
      ...scanTextForTokens(window),
      ...checkConflictMarkers(window),
      ...(SOPS_MARK.test(window.text) ? [{ sops: true as const }] : []),
    ]);
    if (found.some((f) => 'sops' in f)) encrypted.add(path);
    const real = found.filter((f): f is Finding => !('sops' in f));
    const conflict = real.filter((f) => f.check === 'yaml').sort((a, b) => (a.line ?? 0) - (b.line ?? 0))[0];
    findings.push(...real.filter((f) => f.check !== 'yaml'), ...(conflict ? [conflict] : []));
  }
  return { findings, encrypted, paths: new Set(paths) };
}

/** Checks 1 (YAML), 2 (API versions), 6 (secrets) and the static half of 3: on the files as written. */
function checkAsWritten({ parsed, objectDocs, texts, models, large, repo, textOf }: Repository): Finding[] {
  // A large file is never held whole: a secretGenerator reading one needs only whether it is encrypted.
  const readRepoFile = (path: string) => textOf(path) ?? (large.paths.has(path) ? (large.encrypted.has(path) ? 'sops:' : '') : undefined);
  const conflicts = texts.flatMap(checkConflictMarkers);
  // A conflict marker breaks the YAML too: the marker is the one thing to fix, the rest is noise.
  const conflicted = new Set(conflicts.map((f) => f.file));
  return [
    ...parsed.filter((p) => !conflicted.has(p.file)).flatMap((p) => p.findings),
    ...checkApiVersions(objectDocs),
    ...objectDocs.flatMap(checkEndOfLife),
    ...texts.flatMap(scanTextForTokens),
    ...conflicts,
    ...large.findings,
    ...objectDocs.flatMap((d) => checkPlainSecret(d)),
    ...models.flatMap((m) => checkSecretGenerators(m.source, readRepoFile, (entry) => resolveRepoPath(m.dir, entry) ?? entry)),
    ...models.flatMap((m) => m.findings),
    ...includeCycles(models),
    ...unreadManifests(repo, textOf),
  ];
}

/** A manifest the checks could not read (over 8 MiB, or binary) is said to be unchecked, not passed over in silence. */
const unreadManifests = (repo: RepoIndex, textOf: (path: string) => string | undefined): Finding[] =>
  [...repo.files]
    .filter((path) => isManifestCandidate({ path, text: '', inDotDir: path.split('/').slice(0, -1).some((p) => p.startsWith('.')) }) && textOf(path) === undefined)
    .map((path) => ({
      severity: 'warning',
      check: 'yaml',
      file: path,
      message: `not checked: ${repo.sizeOf(path) > MAX_TEXT_BYTES ? `${Math.round(repo.sizeOf(path) / 1024 ** 2)} MiB, larger than the 8 MiB validate reads` : 'not text (it holds a NUL byte)'}`,
      hint: 'split it into smaller manifests, or move it out of the repository',
    }));

const kubectlMissing = (strict: boolean): Finding => ({
  severity: strict ? 'error' : 'warning',
  check: 'kustomize',
  file: '.',
  message: 'kubectl was not found: kustomize builds were skipped, and objects were checked as written (without patches)',
  hint: 'install kubectl (it bundles kustomize) to build every kustomization.yaml and Flux Kustomization path',
});

interface Builds {
  readonly folders: readonly { model: KustomizationModel; outcome: BuildOutcome }[];
  /** Folders built only because a folder including them failed (to find the one at fault). */
  readonly innerFolders: ReadonlySet<string>;
  readonly clusters: readonly ClusterResult[];
  readonly failures: BuildFailures;
  /** Build failures worth reporting, path problems. */
  readonly findings: readonly Finding[];
}

/** Check 3: every kustomization folder and every cluster's Flux Kustomization paths, concurrently (those not reused). */
async function buildEverything(repository: Repository, builder: KustomizeBuilder, clusters: readonly string[], skipFolders: ReadonlySet<string>): Promise<Builds> {
  const { repo, models, modelByDir, docsByFile, parsed, isNamespaced } = repository;
  const ctx: ClusterContext = { repo, builder, locate: locator(docsByFile), expandStatically: staticExpander(modelByDir, docsByFile, isNamespaced) };
  const [folders, clusterResults] = await Promise.all([buildFolders(models, builder, skipFolders), Promise.all(clusters.map((name) => collectCluster(name, ctx)))]);
  const brokenYaml = new Set(parsed.filter((p) => p.findings.length > 0).map((p) => p.file));
  const failures = new BuildFailures(models, modelByDir, brokenYaml, folders);
  const outermost = new Set(outermostFolders(models));
  return {
    folders,
    innerFolders: new Set(folders.map((f) => f.model.dir).filter((d) => !outermost.has(d))),
    clusters: clusterResults,
    failures,
    findings: failures.dirFindings(),
  };
}

function namespacedLookup(crds: readonly CrdSchema[]) {
  const byKey = new Map(crds.map((c) => [c.key, c.namespaced]));
  return (apiVersion: string, kind: string): boolean | undefined => byKey.get(`${apiVersion}/${kind}`) ?? findKind(apiVersion, kind)?.namespaced;
}

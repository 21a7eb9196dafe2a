import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { CORE_SCHEMA, loadAll } from 'js-yaml';
import { parseAllDocuments } from 'yaml';
import type { ProcessRunner, RunResult } from '../process.js';
import { isGotkComponents } from './files.js';
import { hasKustomizationFile, kustomizationFileIn } from './kustomization-files.js';
import { disjointGroups, splitBatch, type BatchInputs, type BatchMember } from './build-batches.js';
import { createLimiter } from '../limiter.js';
import { holdsSecret, isMap, kindOf, nameOf, str } from './objects.js';
import type { RepoIndex, RepoPath } from './repo-paths.js';
import type { KubeObject } from './types.js';

/** What the builder needs from a cache (build-cache.ts has the one on disk): a key for a request (undefined: do not cache), read, write. */
export interface BuildCache {
  keyOf(request: BuildRequest): Promise<string | undefined>;
  read(key: string): Promise<BuildOutcome | undefined>;
  write(key: string, outcome: BuildOutcome): Promise<void>;
}

/**
 * One kustomize build, as kustomize-controller would run it: a kustomization that lists the
 * folder (or, for a Flux path without kustomization.yaml, the files Flux would list) and carries
 * the Flux Kustomization's own transformations (targetNamespace, patches, images, …).
 */
export interface BuildRequest {
  /** Folders with a kustomization file, or manifest files. */
  readonly resources: readonly RepoPath[];
  readonly components?: readonly RepoPath[];
  readonly namespace?: string;
  readonly namePrefix?: string;
  readonly nameSuffix?: string;
  readonly patches?: readonly unknown[];
  readonly images?: readonly unknown[];
}

/** What the builder asks about a request's inputs (build-cache.ts, BuildInputs, answers it). */
export interface VettedInputs {
  /** Why the request must never reach kubectl; undefined: it may. */
  refusal(request: BuildRequest): string | undefined;
  /** Every file it can read; undefined: unbounded. */
  closure(request: BuildRequest): ReadonlySet<RepoPath> | undefined;
}

/** A built object and the repository file it came from (kustomize's origin annotation). */
export interface BuiltObject {
  readonly object: KubeObject;
  readonly file?: RepoPath;
}

export type BuildOutcome =
  | { readonly status: 'ok'; readonly objects: readonly BuiltObject[] }
  | { readonly status: 'failed'; readonly message: string }
  | { readonly status: 'unavailable' };

/** The folders and files Flux lists when a path has no kustomization.yaml (fluxcd/pkg kustomize generator). */
export function generatedResources(repo: RepoIndex, dir: RepoPath, skip: (path: RepoPath) => boolean = () => false): RepoPath[] {
  const resources: RepoPath[] = [];
  const prefix = dir ? `${dir}/` : '';
  const subKustomizations = new Set<RepoPath>();
  for (const file of repo.filesUnder(dir)) {
    const parts = file.slice(prefix.length).split('/');
    if (parts.some((p, i) => i < parts.length - 1 && p.startsWith('.'))) continue;
    // The shallowest sub-folder holding a kustomization file is listed as a folder, not descended into.
    let owner: RepoPath | undefined;
    for (let i = 1; i < parts.length; i++) {
      const sub = prefix + parts.slice(0, i).join('/');
      if (hasKustomizationFile(repo, sub)) {
        owner = sub;
        break;
      }
    }
    if (owner !== undefined) {
      if (!skip(owner)) subKustomizations.add(owner);
    } else if (/\.ya?ml$/.test(file) && !skip(file) && !repo.sourceIgnored(file)) resources.push(file);
  }
  return [...resources, ...subKustomizations].sort();
}

/** The build of a folder that has a kustomization file: the one request every check of it shares (so it is built once). */
export const kustomizationBuild = (dir: RepoPath): BuildRequest => ({ resources: [dir] });

/** The build of a folder: itself when it has a kustomization file, else what Flux would generate. */
export function folderRequest(repo: RepoIndex, dir: RepoPath): BuildRequest {
  return kustomizationFileIn(repo, dir) ? kustomizationBuild(dir) : { resources: generatedResources(repo, dir) };
}

/**
 * The root of a cluster, as the flux-system Kustomization of `flux bootstrap` builds it. Flux's own
 * flux-system/ folder contributes only gotk-sync.yaml (the GitRepository and Kustomization named
 * flux-system): the controllers in gotk-components.yaml are upstream's, not the repository's.
 */
export function clusterRootRequest(repo: RepoIndex, clusterDir: RepoPath): BuildRequest {
  if (kustomizationFileIn(repo, clusterDir)) return { resources: [clusterDir] };
  const fluxSystem = `${clusterDir}/flux-system`;
  const resources = generatedResources(repo, clusterDir, (p) => p === fluxSystem || p.startsWith(`${fluxSystem}/`) || isGotkComponents(p));
  const sync = ['gotk-sync.yaml', 'gotk-sync.yml'].map((f) => `${fluxSystem}/${f}`).find((f) => repo.files.has(f));
  return { resources: sync ? [...resources, sync].sort() : resources };
}

export const buildKey = (request: BuildRequest) => JSON.stringify(request);

/** Whether a group of builds may run without kustomize's schema: every one of them may. */
const schemaFree = (group: readonly BatchMember<unknown>[]) => group.every((m) => m.schemaFree);

/** A request that lists resources and does nothing to them (most folder builds). */
const onlyLists = (request: BuildRequest) => Object.entries(request).every(([field, value]) => field === 'resources' || (Array.isArray(value) ? value.length === 0 : value === undefined));

/** The kustomization written for a request, with paths relative to the folder it is written in. */
export function wrapperKustomization(request: BuildRequest, wrapperDir: string, root: string): Record<string, unknown> {
  const rel = (path: RepoPath) => relative(wrapperDir, join(root, path)).split(sep).join('/');
  const k: Record<string, unknown> = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: request.resources.map(rel),
    buildMetadata: ['originAnnotations'],
  };
  if (request.components?.length) k.components = request.components.map(rel);
  if (request.namespace) k.namespace = request.namespace;
  if (request.namePrefix) k.namePrefix = request.namePrefix;
  if (request.nameSuffix) k.nameSuffix = request.nameSuffix;
  if (request.patches?.length) k.patches = request.patches;
  if (request.images?.length) k.images = request.images;
  return k;
}

/**
 * kubectl's environment for a build: PATH, HOME and TMPDIR (SYSTEMROOT, TEMP and TMP too on
 * Windows, where Go needs them), and what a version manager's shim needs to pick the kubectl the
 * user chose (ASDF_*, MISE_*, the XDG base folders), nothing else. A kustomization can read files
 * (and, before kustomization-files.ts refused them, /proc/self/environ): the tokens, passwords
 * and webhooks in the user's environment are none of a build's business. The runner merges over
 * process.env, so every other variable is set to undefined, which removes it.
 *
 * A kustomize run this short spends about as long collecting garbage as building. With GOGC off
 * and GOMEMLIMIT set, Go collects only near that soft limit: a generated repository's builds stay
 * near 100 MB and never collect, a huge one is held near 256 MiB. Settings the user made (either
 * variable) are kept as they are. GOMEMLIMIT is no cap: KUBECTL_MAX_MEMORY is.
 * Provenance: Go's runtime package docs (Environment Variables: `GOGC=off` disables the collector,
 * `GOMEMLIMIT` is a soft limit with IEC suffixes such as MiB; added in Go 1.19, proposal
 * golang/go#48409, which names GOGC=off with a limit as the intended pairing). kubectl honours it
 * when built with Go 1.19 or later: Kubernetes 1.25 on (kubernetes/kubernetes PR #111679), and the
 * 1.24.10 and 1.23.16 patch releases (Go 1.19.5). Older kubectl ignores it and does not collect.
 */
export function kustomizeEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  const kept = ['PATH', 'HOME', 'TMPDIR', 'GOGC', 'GOMEMLIMIT', ...(process.platform === 'win32' ? ['SYSTEMROOT', 'TEMP', 'TMP'] : [])];
  const out: Record<string, string | undefined> = {};
  // Windows spells them as it likes (`Path`) and matches them in any case.
  const keeps = (name: string) => {
    const upper = process.platform === 'win32' ? name.toUpperCase() : name;
    return kept.includes(upper) || /^(ASDF|MISE|XDG)_/.test(upper);
  };
  for (const name of new Set([...Object.keys(process.env), ...Object.keys(env)])) out[name] = keeps(name) ? env[name] : undefined;
  return env.GOGC === undefined && env.GOMEMLIMIT === undefined ? { ...out, GOGC: 'off', GOMEMLIMIT: '256MiB' } : out;
}

/**
 * A kubectl run past this resident size is killed (process.ts watchMemory). A generated fleet's
 * batched run stays near 256 MiB (GOMEMLIMIT above); a YAML alias bomb of a kilobyte, or a
 * resource that is /dev/zero, grows without bound. A killed batch runs again build by build.
 */
const KUBECTL_MAX_MEMORY = 1024 * 1024 * 1024;

const ORIGIN = 'config.kubernetes.io/origin';

/**
 * The documents of kustomize's output. It is machine-written YAML whose objects alone are needed
 * (no positions, no comments), which js-yaml reads several times faster than yaml; both follow
 * YAML 1.2's core schema. Anything js-yaml refuses is read by yaml, as the repository's files are.
 */
export function outputDocuments(stdout: string): unknown[] {
  try {
    return loadAll(stdout, null, { schema: CORE_SCHEMA });
  } catch {
    return parseAllDocuments(stdout).map((doc) => doc.toJS() as unknown);
  }
}

/** Objects of `kubectl kustomize` output, each with the repository file it came from; the annotation is removed. */
export function parseBuildOutput(stdout: string, wrapperDir: string, root: string): BuiltObject[] {
  return outputDocuments(stdout).flatMap((object) => {
    if (!isMap(object)) return [];
    const annotations = isMap(object.metadata) && isMap(object.metadata.annotations) ? object.metadata.annotations : undefined;
    const origin = str(annotations?.[ORIGIN]);
    let file: RepoPath | undefined;
    if (annotations && origin !== undefined) {
      delete annotations[ORIGIN];
      if (Object.keys(annotations).length === 0) delete (object.metadata as Record<string, unknown>).annotations;
      const originPath = str((outputDocuments(origin)[0] as Record<string, unknown> | undefined)?.path);
      const fromRoot = originPath && relative(root, resolve(wrapperDir, originPath));
      if (fromRoot && !fromRoot.startsWith('..')) file = fromRoot.split(sep).join('/');
    }
    return [{ object: object as KubeObject, file }];
  });
}

/** kubectl's error, without klog framing and with repository-relative paths. */
export function cleanKustomizeError(stderr: string, wrapperDir: string, root: string): string {
  const klog = /err="((?:[^"\\]|\\.)*)"/.exec(stderr);
  let message = klog ? (JSON.parse(`"${klog[1]}"`) as string) : stderr.replace(/^error: /m, '').trim();
  const relRoot = relative(wrapperDir, root).split(sep).join('/');
  for (const prefix of [`${resolve(root)}/`, `${relRoot}/`]) message = message.replaceAll(prefix, '');
  message = message.replaceAll(resolve(wrapperDir), '(build)');
  return message.length > 600 ? `${message.slice(0, 600)}…` : message;
}

/** A build's outcome, and whether it is kustomize's answer (and so may be remembered). */
interface Built {
  readonly outcome: BuildOutcome;
  readonly cacheable: boolean;
}

/**
 * Puts on disk the files the given builds read, when the tree is not all there yet (a staged tree
 * written on demand); no requests: every file. Says whether the whole tree is now on disk.
 */
export type InputWriter = (requests?: readonly BuildRequest[]) => Promise<{ readonly whole: boolean }>;

interface Waiting {
  readonly request: BuildRequest;
  readonly resolve: (built: Built) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Runs builds through `kubectl kustomize` (one process runner for the whole tool), at most
 * `concurrency` processes at a time, each request once. Without kubectl every build is
 * 'unavailable'. With a cache, a request whose inputs were built before (same content) reuses
 * that outcome. Requests made together share kubectl runs where `batchInputs` allows it
 * (build-batches.ts).
 */
export class KustomizeBuilder {
  private readonly requests = new Map<string, Promise<BuildOutcome>>();
  private readonly limit: ReturnType<typeof createLimiter>;
  private tempRoot?: string;
  private emptySchema = false;
  private counter = 0;
  private unavailable = false;
  /** Requests still looking in the cache: a batch waits for them, so requests made together run together. */
  private lookups = 0;
  private waiting: Waiting[] = [];
  private flushing = false;
  /** Builds given a kubectl slot that have not started kubectl yet. */
  private preparing = 0;
  private readonly whenDispatched: (() => void)[] = [];
  /** Builds whose outcome came from kubectl in this run. */
  runs = 0;
  /** kubectl processes that ended (fewer than `runs` when builds shared a run). */
  processes = 0;
  /** kubectl processes started. */
  started = 0;
  /** Builds whose outcome came from the cache. */
  cached = 0;

  constructor(
    private readonly root: string,
    private readonly runner: ProcessRunner,
    private readonly concurrency = 4,
    private readonly cache?: BuildCache,
    /** What a request may share a run with others on; undefined: it runs alone. */
    private readonly batchInputs?: (request: BuildRequest) => BatchInputs | undefined,
    /** Writes a build's inputs before kubectl reads them; none: the tree is on disk. */
    private readonly writeInputs?: InputWriter,
    /** What a request reads (BuildInputs): why it must not reach kubectl, and the files its objects may come from. */
    private readonly vetted?: VettedInputs,
  ) {
    this.limit = createLimiter(concurrency);
  }

  private readonly env = kustomizeEnv();

  build(request: BuildRequest): Promise<BuildOutcome> {
    const key = buildKey(request);
    let outcome = this.requests.get(key);
    if (!outcome) {
      outcome = this.run(request);
      this.requests.set(key, outcome);
    }
    return outcome;
  }

  /**
   * Resolves once every build asked for so far is answered from the cache, running in kubectl,
   * or waiting for a kubectl slot: the caller may then keep the thread busy while kubectl works.
   */
  dispatched(): Promise<void> {
    return new Promise((resolve) => {
      this.whenDispatched.push(resolve);
      this.checkDispatched();
    });
  }

  private checkDispatched(): void {
    if (this.lookups === 0 && this.waiting.length === 0 && this.preparing === 0 && !this.flushing) this.whenDispatched.splice(0).forEach((resolve) => resolve());
  }

  get kubectlMissing(): boolean {
    return this.unavailable;
  }

  private async run(request: BuildRequest): Promise<BuildOutcome> {
    if (this.unavailable) return { status: 'unavailable' };
    if (request.resources.length === 0) return { status: 'ok', objects: [] };
    // Never built, never cached: what it would read is outside the repository, remote or special.
    const refused = this.vetted?.refusal(request);
    if (refused !== undefined) return { status: 'failed', message: `not built: ${refused}` };
    this.lookups++;
    let key: string | undefined;
    let hit: BuildOutcome | undefined;
    try {
      key = await this.cache?.keyOf(request);
      hit = key === undefined ? undefined : await this.cache!.read(key);
    } finally {
      this.lookups--;
      this.flushSoon(); // the requests waiting for this lookup may go now
    }
    if (hit) {
      this.cached++;
      return hit;
    }
    const { outcome, cacheable } = await new Promise<Built>((resolve, reject) => {
      this.waiting.push({ request, resolve, reject });
      this.flushSoon();
    });
    // A build holding a Secret (a secretGenerator over a local file) is never remembered: its values stay out of the cache folder.
    const holdsValues = outcome.status === 'ok' && outcome.objects.some((b) => holdsSecret(b.object));
    if (key !== undefined && cacheable && !holdsValues) await this.cache!.write(key, outcome);
    return outcome;
  }

  /** Once no request is still looking in the cache, the waiting ones run (on the next turn, so requests made together are all there). */
  private flushSoon(): void {
    if (this.flushing || this.lookups > 0 || this.waiting.length === 0) return this.checkDispatched();
    this.flushing = true;
    setImmediate(() => {
      this.flushing = false;
      this.flush(this.waiting.splice(0));
      this.checkDispatched();
    });
  }

  private flush(waiting: readonly Waiting[]): void {
    const members: BatchMember<Waiting>[] = [];
    const alone: BatchMember<Waiting>[] = [];
    for (const w of waiting) {
      const inputs = this.batchInputs?.(w.request);
      if (inputs) members.push({ item: w, ...inputs });
      else alone.push({ item: w, files: new Set(), names: new Set(), schemaFree: false });
    }
    // Apart, the builds that need kustomize's schema and those that do not run side by side, on two
    // cores. With more runs than kubectl slots every core is busy anyway: fewer runs then cost less.
    let groups = disjointGroups(members);
    if (groups.length > this.concurrency) groups = disjointGroups(members, true);
    // The builds needing kustomize's schema take longest: they start first.
    for (const group of groups.sort((a, b) => Number(schemaFree(a)) - Number(schemaFree(b)))) {
      if (group.length > 1) void this.limit(() => this.runBatch(group)).catch((e) => group.forEach((m) => m.item.reject(e)));
      else alone.push(group[0]!);
    }
    alone.forEach((m) => this.runAlone(m));
  }

  private runAlone({ item, schemaFree }: BatchMember<Waiting>): void {
    this.limit(() => this.runKubectl(item.request, schemaFree)).then(item.resolve, item.reject);
  }

  /** One kubectl run for the group; if it fails or an object names no build, each runs on its own (to say which fails). */
  private async runBatch(group: readonly BatchMember<Waiting>[]): Promise<void> {
    const top = await this.preparingTo(async () => {
      await this.writeInputs?.(group.map((m) => m.item.request));
      // A build that only lists resources is listed as they are; one that also transforms them gets a wrapper of its own.
      const wrappers = group.map((m) => (onlyLists(m.item.request) ? undefined : this.writeWrapper((dir) => wrapperKustomization(m.item.request, dir, this.root), false)));
      const resources = (dir: string) =>
        group.flatMap((m, i) => (wrappers[i] === undefined ? m.item.request.resources.map((r) => join(this.root, r)) : [wrappers[i]]).map((p) => relative(dir, p).split(sep).join('/')));
      return this.writeWrapper(
        (dir) => ({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: resources(dir), buildMetadata: ['originAnnotations'] }),
        schemaFree(group),
      );
    });
    const result = await this.kustomize(top);
    if (result.notFound) {
      this.unavailable = true;
      return group.forEach((m) => m.item.resolve({ outcome: { status: 'unavailable' }, cacheable: false }));
    }
    this.processes++;
    // Origin paths are relative to the top kustomization (wrappers are its siblings).
    const parts = result.exitCode === 0 ? splitBatch(parseBuildOutput(result.stdout, top, this.root), group, (b) => `${kindOf(b.object)}/${nameOf(b.object)}`) : undefined;
    if (!parts) return group.forEach((m) => this.runAlone(m));
    this.runs += group.length;
    group.forEach((m, i) => m.item.resolve({ outcome: { status: 'ok', objects: parts[i]! }, cacheable: true }));
  }

  /** Writing a build's kustomizations, up to the moment kubectl starts (see `dispatched`). */
  private async preparingTo<T>(write: () => Promise<T>): Promise<T> {
    this.preparing++;
    try {
      return await write();
    } finally {
      this.preparing--;
    }
  }

  /** Starts kubectl (synchronously, before the first await), then says whether all builds are under way. */
  private kustomize(wrapperDir: string): Promise<RunResult> {
    this.started++;
    const running = this.runner('kubectl', ['kustomize', '--load-restrictor=LoadRestrictionsNone', wrapperDir], { timeoutMs: 120_000, env: this.env, maxMemoryBytes: KUBECTL_MAX_MEMORY });
    this.checkDispatched();
    return running;
  }

  /**
   * A kustomization in a new folder of this run's temporary one, as JSON (which kustomize reads as
   * YAML). Written synchronously: a few small files, on the way to starting kubectl.
   */
  private writeWrapper(kustomization: (dir: string) => Record<string, unknown>, schemaFree: boolean): string {
    this.tempRoot ??= mkdtempSync(join(tmpdir(), 'piksel-validate-'));
    const dir = join(this.tempRoot, `build-${this.counter++}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'kustomization.yaml'), JSON.stringify({ ...kustomization(dir), ...this.openapi(dir, schemaFree) }));
    return dir;
  }

  /** The `openapi` field of a run that needs no schema (patchesSkipSchema in build-batches.ts): an empty one, read at once. */
  private openapi(wrapperDir: string, schemaFree: boolean): { openapi?: { path: string } } {
    if (!schemaFree || !this.tempRoot) return {};
    const schema = join(this.tempRoot, 'openapi.json');
    if (!this.emptySchema) writeFileSync(schema, '{"definitions":{}}\n');
    this.emptySchema = true;
    return { openapi: { path: relative(wrapperDir, schema).split(sep).join('/') } };
  }

  /**
   * The outcome, and whether it is kustomize's answer: only a kubectl that exited on its own with
   * kustomize's error code (1) and said why is remembered as a failure. One killed by a signal (out
   * of memory, a timeout) is reported, never remembered, however much it printed before (a
   * deprecation warning); nor is a missing one.
   */
  private async runKubectl(request: BuildRequest, schemaFree: boolean): Promise<Built> {
    if (this.unavailable) return { outcome: { status: 'unavailable' }, cacheable: false };
    const [wrapperDir, written] = await this.preparingTo(async () => {
      const written = await this.writeInputs?.([request]);
      return [this.writeWrapper((dir) => wrapperKustomization(request, dir, this.root), schemaFree), written] as const;
    });
    let result = await this.kustomize(wrapperDir);
    let cacheable = true;
    if (result.exitCode !== 0 && !result.notFound && written && !written.whole) {
      // Failed with only its inputs on disk: again with the whole tree, so a file the input closure
      // missed costs a run, never a false error. Such an outcome is not remembered: its key lacks that file.
      await this.writeInputs!();
      this.processes++;
      const again = await this.kustomize(wrapperDir);
      cacheable = again.exitCode === result.exitCode && again.stdout === result.stdout && again.stderr === result.stderr;
      result = again;
    }
    if (result.notFound) {
      this.unavailable = true;
      return { outcome: { status: 'unavailable' }, cacheable: false };
    }
    this.processes++;
    this.runs++;
    if (result.signal !== undefined) {
      const why = result.outOfMemory ? `it used more than ${KUBECTL_MAX_MEMORY / 1024 ** 3} GiB of memory` : `it was ended by ${result.signal} (out of memory, or a timeout)`;
      return { outcome: { status: 'failed', message: `kubectl was stopped: ${why}` }, cacheable: false };
    }
    if (result.exitCode !== 0)
      return {
        outcome: { status: 'failed', message: cleanKustomizeError(result.stderr || result.stdout, wrapperDir, this.root) },
        cacheable: cacheable && result.exitCode === 1 && result.stderr.trim() !== '',
      };
    return { outcome: { status: 'ok', objects: this.ownFiles(request, parseBuildOutput(result.stdout, wrapperDir, this.root)) }, cacheable };
  }

  /**
   * An object's origin annotation can be written by hand (`commonAnnotations`): one naming a file
   * the build cannot read is not believed (the object is then located by its build, not by that
   * file, which would otherwise count as checked).
   */
  private ownFiles(request: BuildRequest, objects: BuiltObject[]): BuiltObject[] {
    const files = this.vetted?.closure(request);
    return files ? objects.map((b) => (b.file === undefined || files.has(b.file) ? b : { object: b.object })) : objects;
  }

  /**
   * Removes the temporary kustomizations, once every build asked for has ended: a build still
   * running would otherwise fail on its removed wrapper and remember that failure.
   */
  async dispose(): Promise<void> {
    await Promise.allSettled(this.requests.values());
    if (this.tempRoot) await rm(this.tempRoot, { recursive: true, force: true });
  }
}

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, delimiter, isAbsolute, join } from 'node:path';
import { runProcess, type ProcessRunner } from '../process.js';
import { pruneNowAndThen, readCacheFile, writeCacheFile } from '../cache-file.js';
import { BATCHABLE_FIELDS, declaredNames, patchesSkipSchema, type BatchInputs } from './build-batches.js';
import { kustomizeEnv, type BuildCache, type BuildOutcome, type BuildRequest } from './builds.js';
import { isMap } from './objects.js';
import type { KustomizationModel } from './kustomization-files.js';
import { isRemoteEntry, resolveRepoPath, type RepoIndex, type RepoPath } from './repo-paths.js';

/**
 * kustomize builds remembered across runs, outside the repository (the user's cache folder), keyed
 * by a hash of everything the build can read: the request, every file of its input closure (path
 * and content), and the kubectl binary. Any change to any of those is a different key, so a cached
 * outcome is always the outcome a fresh build would have; builds whose inputs cannot be bounded
 * (remote resources) are never cached.
 */

/** Bumped when the stored outcome format or the closure rules change: old entries are never read. */
const FORMAT = 'kustomize-build-v2';

/**
 * The most bytes of files one build may give kustomize. Its time and memory grow faster than its
 * input (3.3 MB of ConfigMaps: 14 s and 200 MB; 33 MB: still running after 11 minutes at 760 MB);
 * a generated repository's largest build reads well under 1 MiB, Flux's own components about 1 MiB.
 */
const BUILD_INPUT_BYTES = 16 * 1024 * 1024;

/** Covers `config.kubernetes.io/origin` and `internal.config.kubernetes.io/…`: kustomize's bookkeeping, which batching relies on. */
const KUSTOMIZE_ANNOTATIONS = 'config.kubernetes.io/';

/** `$XDG_CACHE_HOME/create-piksel-gitops`, else `~/.cache/create-piksel-gitops`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.cache'), 'create-piksel-gitops');
}

/** The files a build reads, found from the repository listing and its kustomization files. */
export class BuildInputs {
  private readonly direct = new Map<RepoPath, { files: RepoPath[]; dirs: RepoPath[]; bounded: boolean }>();

  constructor(
    private readonly repo: RepoIndex,
    private readonly modelByDir: ReadonlyMap<RepoPath, KustomizationModel>,
    /** The text of a repository file already read (batching reads names and patches from it: build-batches.ts). */
    private readonly textOf: (file: RepoPath) => string | undefined = () => undefined,
  ) {}

  /**
   * Every file a request can read, or undefined when that cannot be bounded. A folder contributes
   * every file under it and, through its kustomization file, every local path any of its strings
   * names (resources, patches, generators, transformers, …), transitively: more than kustomize
   * reads, never less.
   */
  closure(request: BuildRequest): ReadonlySet<RepoPath> | undefined {
    return this.collect(request, (dir, files) => {
      const direct = this.directInputs(dir);
      direct.files.forEach((f) => files.add(f));
      return direct.bounded ? direct.dirs : undefined;
    });
  }

  /**
   * Why a request must never reach kubectl, or undefined when it may. kubectl reads what the
   * request and the kustomization files it reaches name, and only those: a folder whose
   * kustomization file has a finding (an entry that is remote, leaves the repository, is absolute,
   * points into .git, goes through a symbolic link, is a special file or is missing:
   * kustomization-files.ts) or that could not be read is never built, nor is a build whose files
   * come to more than BUILD_INPUT_BYTES.
   */
  refusal(request: BuildRequest): string | undefined {
    for (const path of [...request.resources, ...(request.components ?? [])])
      if (this.repo.kind(path) === undefined) return `${path || '.'} is not a file or folder of the repository`;
    let reason: string | undefined;
    const files = this.collect(request, (dir, found) => {
      const model = this.modelByDir.get(dir);
      const finding = model?.findings[0];
      if (!model) reason = `${dir || '.'} has no kustomization file validate could read`;
      else if (finding) reason = `${model.file}${finding.line ? `:${finding.line}` : ''}: ${finding.message}`;
      else [model.file, ...model.resourceFiles, ...model.inputFiles].forEach((f) => found.add(f));
      return reason === undefined ? model!.dirs : undefined;
    });
    if (reason !== undefined || !files) return reason ?? 'its inputs could not be bounded';
    const bytes = [...files].reduce((sum, f) => sum + this.repo.sizeOf(f), 0);
    if (bytes > BUILD_INPUT_BYTES)
      return `its files come to ${Math.round(bytes / 1024 ** 2)} MiB, more than kustomize is given here (${BUILD_INPUT_BYTES / 1024 ** 2} MiB): split the manifests into smaller folders`;
    return undefined;
  }

  /**
   * The manifest files a request's objects can come from, when it may share a kustomize run with
   * others (build-batches.ts): its inputs are bounded, nothing in it moves or renames objects,
   * every folder it builds has a kustomization file, and none of its files mentions kustomize's own
   * annotations (`config.kubernetes.io/origin` in `commonAnnotations` would move objects to another
   * build of the run). Undefined when it must run on its own.
   */
  batchInputs(request: BuildRequest): BatchInputs | undefined {
    if (request.namespace || request.namePrefix || request.nameSuffix || !this.closure(request) || JSON.stringify(request).includes(KUSTOMIZE_ANNOTATIONS)) return undefined;
    // A file not held as text (binary, large) cannot be looked into: it keeps its build alone.
    const mentions = (file: RepoPath) => this.textOf(file)?.includes(KUSTOMIZE_ANNOTATIONS) ?? true;
    let schemaFree = patchesSkipSchema({ patches: request.patches ?? [] }, () => undefined);
    const files = this.collect(request, (dir, found) => {
      const model = this.modelByDir.get(dir);
      const kustomization = model?.source.value as Record<string, unknown> | undefined;
      if (!model || !kustomization || Object.keys(kustomization).some((field) => !BATCHABLE_FIELDS.has(field))) return undefined;
      // The parsed kustomization too: YAML may spell the key with escapes (`config.kubernetes.io\u002Forigin`).
      if (JSON.stringify(kustomization).includes(KUSTOMIZE_ANNOTATIONS) || [model.file, ...model.resourceFiles, ...model.inputFiles].some(mentions)) return undefined;
      model.resourceFiles.forEach((f) => found.add(f));
      schemaFree &&= patchesSkipSchema(kustomization, (path) => {
        const file = resolveRepoPath(dir, path);
        return file === undefined ? undefined : this.textOf(file);
      });
      return model.dirs;
    });
    if (!files || [...files].some(mentions)) return undefined;
    return { files, names: new Set([...files].flatMap((file) => declaredNames(this.textOf(file) ?? ''))), schemaFree };
  }

  /** The request's files, plus what `visit` adds for each folder reached (once each); `visit` names the folders to go on to, or undefined to give up. */
  private collect(request: BuildRequest, visit: (dir: RepoPath, files: Set<RepoPath>) => readonly RepoPath[] | undefined): Set<RepoPath> | undefined {
    const files = new Set<RepoPath>();
    const seen = new Set<RepoPath>();
    const pending: RepoPath[] = [];
    for (const path of [...request.resources, ...(request.components ?? [])]) {
      if (this.repo.kind(path) === 'dir') pending.push(path);
      else files.add(path);
    }
    while (pending.length > 0) {
      const dir = pending.pop()!;
      if (seen.has(dir)) continue;
      seen.add(dir);
      const next = visit(dir, files);
      if (!next) return undefined;
      pending.push(...next);
    }
    return files;
  }

  /** A folder's own files and the local paths its kustomization file names. */
  private directInputs(dir: RepoPath) {
    let direct = this.direct.get(dir);
    if (!direct) {
      direct = { files: this.repo.filesUnder(dir), dirs: [], bounded: true };
      const model = this.modelByDir.get(dir);
      // What plugin configurations name (inline ones are not among the strings below): kustomization-files.ts found them.
      if (model) direct.files.push(...(model.inputFiles ?? []));
      if (model)
        for (const entry of stringsOf(model.source.value)) {
          if (isRemoteEntry(entry)) direct.bounded = false;
          // A generator's file source may carry its key: `[key=]path`.
          for (const path of entry.includes('=') ? [entry, entry.slice(entry.indexOf('=') + 1)] : [entry]) {
            const target = resolveRepoPath(dir, path);
            const kind = target === undefined ? undefined : this.repo.kind(target);
            if (kind === 'file') direct.files.push(target!);
            else if (kind === 'dir') direct.dirs.push(target!);
          }
        }
      this.direct.set(dir, direct);
    }
    return direct;
  }
}

function* stringsOf(value: unknown): Generator<string> {
  if (typeof value === 'string') {
    if (!value.includes('\n') && value.length < 4096) yield value;
  } else if (Array.isArray(value)) for (const v of value) yield* stringsOf(v);
  else if (isMap(value)) for (const v of Object.values(value)) yield* stringsOf(v);
}

/**
 * The kubectl a build would run. A binary is named by its real path, size and modification time
 * (no process started). A version manager's shim (asdf's script, mise's or snap's link to their
 * own binary, aqua's proxy) stays the same file whichever version it runs, so behind one the key
 * holds what `kubectl version --client` says, asked each run (a shim's answer can change without
 * any file changing). undefined: kubectl is not on PATH.
 */
async function kubectlIdentity(env: NodeJS.ProcessEnv, runner: ProcessRunner): Promise<string | undefined> {
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, process.platform === 'win32' ? 'kubectl.exe' : 'kubectl');
    const found = await stat(candidate).catch(() => undefined);
    if (found?.isFile() && (process.platform === 'win32' || (found.mode & 0o111) !== 0)) {
      const real = await realpath(candidate).catch(() => candidate);
      const target = await stat(real).catch(() => found);
      const file = `${real}\0${target.size}\0${target.mtimeMs}`;
      if (!(await isShim(real))) return file;
      const version = await runner('kubectl', ['version', '--client'], { env: kustomizeEnv(env), timeoutMs: 30_000 }).catch(() => undefined);
      return `${file}\0${version?.exitCode}\0${version?.stdout}`;
    }
  }
  return undefined;
}

/** A file that is not kubectl itself: a script, or a link to a program of another name. */
async function isShim(real: string): Promise<boolean> {
  if (!/^kubectl(\.exe)?$/i.test(basename(real))) return true;
  const handle = await open(real, 'r').catch(() => undefined);
  if (!handle) return true;
  try {
    const head = Buffer.alloc(2);
    await handle.read(head, 0, 2, 0);
    return head.toString('latin1') === '#!';
  } finally {
    await handle.close();
  }
}

/** A build cache in a folder, for one repository (one validate run). */
export class FolderBuildCache implements BuildCache {
  private readonly folder: string;
  private readonly prune: () => Promise<void>;
  private readonly kubectl: Promise<string | undefined>;
  private readonly hashes = new Map<RepoPath, Promise<string>>();

  constructor(
    cacheDir: string,
    private readonly root: string,
    private readonly inputs: BuildInputs,
    /** SHA-256 of a repository file already read (undefined: hashed from disk, as a stream). */
    private readonly knownHash: (path: RepoPath) => string | undefined,
    env: NodeJS.ProcessEnv = process.env,
    /** Runs `kubectl version --client` behind a shim (tests swap it). */
    runner: ProcessRunner = runProcess,
  ) {
    this.folder = join(cacheDir, FORMAT);
    this.prune = pruneNowAndThen(this.folder);
    this.kubectl = kubectlIdentity(env, runner);
  }

  private readonly keys = new Map<string, Promise<string | undefined>>();

  keyOf(request: BuildRequest): Promise<string | undefined> {
    const json = JSON.stringify(request);
    let key = this.keys.get(json);
    if (!key) this.keys.set(json, (key = this.computeKey(request)));
    return key;
  }

  private async computeKey(request: BuildRequest): Promise<string | undefined> {
    const kubectl = await this.kubectl;
    const files = kubectl === undefined ? undefined : this.inputs.closure(request);
    if (!files) return undefined;
    const sorted = [...files].sort();
    const hashes = await Promise.all(sorted.map((f) => this.hashOf(f)));
    const key = createHash('sha256').update(`${FORMAT}\0${kubectl}\0${JSON.stringify(request)}\0`);
    sorted.forEach((f, i) => key.update(`${f}\0${hashes[i]}\0`));
    return key.digest('hex');
  }

  async read(key: string): Promise<BuildOutcome | undefined> {
    const text = readCacheFile(this.entry(key));
    if (text === undefined) return undefined;
    try {
      const outcome = JSON.parse(text) as BuildOutcome;
      return outcome.status === 'ok' || outcome.status === 'failed' ? outcome : undefined;
    } catch {
      return undefined; // a torn or foreign file: build afresh
    }
  }

  /** Written to a temporary name and renamed, so a reader never sees half an entry. */
  async write(key: string, outcome: BuildOutcome): Promise<void> {
    if (outcome.status === 'unavailable') return;
    if (await writeCacheFile(this.entry(key), JSON.stringify(outcome))) await this.prune();
  }

  private entry = (key: string) => join(this.folder, `${key}.json`);

  private hashOf(path: RepoPath): Promise<string> {
    let hash = this.hashes.get(path);
    if (!hash) {
      const known = this.knownHash(path);
      hash = known !== undefined ? Promise.resolve(known) : hashFile(join(this.root, path));
      this.hashes.set(path, hash);
    }
    return hash;
  }
}

/** A file hashed as a stream (a large file is never held whole); a file that cannot be read hashes as such. */
function hashFile(path: string): Promise<string> {
  return new Promise((resolve) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', (e) => resolve(`unreadable:${(e as NodeJS.ErrnoException).code ?? 'error'}`));
  });
}

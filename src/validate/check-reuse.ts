import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { pruneNowAndThen, readCacheFile, writeCacheFile } from '../cache-file.js';
import { clusterRootRequest, folderRequest, kustomizationBuild, type BuildCache, type BuildRequest } from './builds.js';
import type { RepoIndex, RepoPath } from './repo-paths.js';
import type { Finding } from './types.js';

/**
 * The checks of a cluster (or of a kustomization folder) whose inputs did not change since they
 * last passed, reused instead of run: a re-run that adds cluster 21 checks cluster 21 and whatever
 * it changed, not the 20 clusters before it.
 *
 * A cluster's result depends on the files its builds read (the cluster folder, then the path of
 * every Flux Kustomization reached, each with its input closure as the build cache hashes it), the
 * repository's CRDs, what the stored answers say the cluster holds besides (the deploy check's
 * Secrets and StorageClasses), kubectl and the tool build (tool-identity.ts). A
 * record is kept only for a unit that passed without an error (warnings are kept and reported
 * again), under a key made of all of those; it is used only if every build it made has the same
 * request and the same input hash as then. So a changed input always means a fresh check, and a
 * reused result can never hide an error: it had none, on exactly these inputs.
 *
 * Records live beside the build cache (`checks-v1/`), pruned as it is; deleting them is always safe.
 */

const FORMAT = 'checks-v1';

/** One build a cluster made: the request, its input hash, and the Flux path it built (null: the cluster root). */
export interface RecordedBuild {
  readonly request: BuildRequest;
  readonly key: string;
  readonly dir: RepoPath | null;
}

export interface CheckRecord {
  /** Warnings the unit reported (a record is never kept for a unit with an error). */
  readonly findings: readonly Finding[];
  /** Files its built objects came from (they are not checked again as loose manifests). */
  readonly covered: readonly RepoPath[];
  /** For a cluster: every build it made, checked again before the record is used. */
  readonly builds?: readonly RecordedBuild[];
}

export class CheckReuse {
  private readonly folder: string;
  private readonly prune: () => Promise<void>;

  /**
   * @param global what every unit's result depends on besides its own files: the tool build and
   * the repository's CRDs (hashes, computed by the caller).
   */
  constructor(
    cacheDir: string,
    private readonly global: string,
    private readonly cache: BuildCache,
    private readonly repo: RepoIndex,
  ) {
    this.folder = join(cacheDir, FORMAT);
    this.prune = pruneNowAndThen(this.folder);
  }

  /** `context`: what else the unit's checks read (for a cluster, what the answers expect in it). */
  private async key(kind: 'cluster' | 'folder', name: string, request: BuildRequest, context = ''): Promise<string | undefined> {
    const buildKey = await this.cache.keyOf(request);
    if (buildKey === undefined) return undefined;
    return createHash('sha256').update(`${FORMAT}\0${this.global}\0${kind}\0${name}\0${context}\0${buildKey}`).digest('hex');
  }

  private async read(key: string | undefined): Promise<CheckRecord | undefined> {
    if (key === undefined) return undefined;
    const text = readCacheFile(join(this.folder, `${key}.json`));
    if (text === undefined) return undefined;
    try {
      const record = JSON.parse(text) as CheckRecord;
      return Array.isArray(record.findings) && Array.isArray(record.covered) && record.findings.every((f) => f.severity === 'warning') ? record : undefined;
    } catch {
      return undefined;
    }
  }

  private async write(key: string | undefined, record: CheckRecord): Promise<void> {
    if (key === undefined || record.findings.some((f) => f.severity !== 'warning')) return;
    if (await writeCacheFile(join(this.folder, `${key}.json`), JSON.stringify(record))) await this.prune();
  }

  /** The folder's record, if it passed before with these very inputs. */
  folderRecord(dir: RepoPath): Promise<CheckRecord | undefined> {
    return this.key('folder', dir, kustomizationBuild(dir)).then((key) => this.read(key));
  }

  async saveFolder(dir: RepoPath, record: CheckRecord): Promise<void> {
    await this.write(await this.key('folder', dir, kustomizationBuild(dir)), record);
  }

  /**
   * The cluster's record, if it passed before and every build it made would be the same build on
   * the same inputs now: the root request as the cluster folder gives it, each Flux path's files as
   * the folder lists them, and each input hash unchanged. The builds' outcomes are then the same,
   * so are the Flux Kustomizations they contain, and so is every path the cluster reaches.
   */
  async clusterRecord(name: string, context: string): Promise<CheckRecord | undefined> {
    const clusterDir = `clusters/${name}`;
    const record = await this.read(await this.key('cluster', name, clusterRootRequest(this.repo, clusterDir), context));
    if (!record || !Array.isArray(record.builds)) return undefined;
    for (const build of record.builds) {
      const expected = build.dir === null ? clusterRootRequest(this.repo, clusterDir) : this.repo.kind(build.dir) === 'dir' ? folderRequest(this.repo, build.dir) : undefined;
      if (!expected || JSON.stringify(expected.resources) !== JSON.stringify(build.request.resources)) return undefined;
      if ((await this.cache.keyOf(build.request)) !== build.key) return undefined;
    }
    return record;
  }

  /** Kept only when every build the cluster made has an input hash (no remote resources). */
  async saveCluster(name: string, context: string, builds: readonly { request: BuildRequest; dir: RepoPath | null }[], record: Omit<CheckRecord, 'builds'>): Promise<void> {
    const recorded: RecordedBuild[] = [];
    for (const build of builds) {
      const key = await this.cache.keyOf(build.request);
      if (key === undefined) return;
      recorded.push({ request: build.request, key, dir: build.dir });
    }
    await this.write(await this.key('cluster', name, clusterRootRequest(this.repo, `clusters/${name}`), context), { ...record, builds: recorded });
  }
}

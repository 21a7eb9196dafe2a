import { lstatSync } from 'node:fs';
import { join, posix } from 'node:path';

/** Repository paths are '/'-separated and relative to the root ('' is the root). */
export type RepoPath = string;

/**
 * `entry` as written in a file of folder `dir` (kustomization resources, a Flux `spec.path`
 * relative to the root), or undefined when it points outside the repository.
 */
export function resolveRepoPath(dir: RepoPath, entry: string): RepoPath | undefined {
  const joined = posix.normalize(posix.join(dir || '.', entry)).replace(/\/$/, '');
  if (joined === '..' || joined.startsWith('../') || posix.isAbsolute(joined)) return undefined;
  return joined === '.' ? '' : joined;
}

/**
 * What kustomize (or helm) would fetch: any URL (`https://`, `file://` is a Git clone too, `oci://`),
 * a Git address (`git@host:`, `git::`), a forge shorthand, or a query naming a Git ref.
 */
export const isRemoteEntry = (entry: string) =>
  /^([a-z][a-z0-9+.-]*:\/\/|git@|git::|[\w.-]+@[\w.-]+:|github\.com\/|gitlab\.com\/|bitbucket\.org\/)/i.test(entry) || /[?&](ref|version|submodules|timeout)=/.test(entry);

/**
 * What a path the listing lacks is on disk. The listing holds regular files and real folders only
 * (never what a symbolic link leads to, nor `.git`), so kustomize may read a listed path; any
 * other path it must not: a symbolic link (to /dev/zero, ~/.ssh, …) or a special file (a FIFO,
 * a device) there, or beneath it, is named here. undefined: nothing is there (a missing entry).
 */
export type UnlistedKind = 'symlink' | 'special' | 'unlisted';

/** What exists in the repository, from the file listing (folders are implied by files). */
export class RepoIndex {
  readonly files: ReadonlySet<RepoPath>;
  readonly dirs: ReadonlySet<RepoPath>;

  /**
   * @param sourceIgnored files source-controller leaves out of the artifact (.sourceignore):
   * Flux never lists them in a kustomization it generates.
   */
  constructor(
    paths: readonly RepoPath[],
    readonly sourceIgnored: (path: RepoPath) => boolean = () => false,
    /** The folder on disk, to say what a path the listing lacks is (see `unlisted`); none: nothing is. */
    private readonly root?: string,
    /** Each file's size in bytes, where known. */
    private readonly sizes: ReadonlyMap<RepoPath, number> = new Map(),
  ) {
    this.files = new Set(paths);
    const dirs = new Set<RepoPath>(['']);
    for (const path of paths) {
      const parts = path.split('/');
      for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
    }
    this.dirs = dirs;
  }

  kind(path: RepoPath): 'file' | 'dir' | undefined {
    return this.files.has(path) ? 'file' : this.dirs.has(path) ? 'dir' : undefined;
  }

  sizeOf = (path: RepoPath): number => this.sizes.get(path) ?? 0;

  /** A path the listing lacks: what is on disk there (one lstat per part below the deepest listed folder). */
  unlisted(path: RepoPath): UnlistedKind | undefined {
    if (this.root === undefined || this.kind(path) !== undefined) return undefined;
    const parts = path.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const prefix = parts.slice(0, i).join('/');
      if (this.dirs.has(prefix)) continue;
      let found;
      try {
        found = lstatSync(join(this.root, prefix));
      } catch {
        return undefined;
      }
      if (found.isSymbolicLink()) return 'symlink';
      if (!found.isDirectory() && !found.isFile()) return 'special';
      if (found.isFile()) return i === parts.length ? 'unlisted' : undefined;
    }
    return 'unlisted';
  }

  private sorted?: RepoPath[];

  /** Files under a folder (recursively), sorted: a range of the sorted list (asked for every folder of a fleet). */
  filesUnder(dir: RepoPath): RepoPath[] {
    const prefix = dir ? `${dir}/` : '';
    const sorted = (this.sorted ??= [...this.files].sort());
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (sorted[mid]! < prefix) low = mid + 1;
      else high = mid;
    }
    let end = low;
    while (end < sorted.length && sorted[end]!.startsWith(prefix)) end++;
    return sorted.slice(low, end);
  }
}

import { posix } from 'node:path';

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

/** kustomize treats these as remote: a URL, a Git reference, a GitHub shorthand. */
export const isRemoteEntry = (entry: string) => /^(https?:\/\/|git@|ssh:\/\/|github\.com\/|gitlab\.com\/|bitbucket\.org\/)/.test(entry) || /[?&]ref=/.test(entry);

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

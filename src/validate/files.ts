import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/** A repository file as the checks see it: a '/'-separated path relative to the repository root. */
export interface RepoFile {
  readonly path: string;
  readonly text: string;
  /** Under a folder whose name starts with '.' (.github, .piksel, …): not a manifest. */
  readonly inDotDir: boolean;
}

/** Folders never read: Git's own data and installed packages. */
const NEVER_READ = new Set(['.git', 'node_modules']);
const MAX_TEXT_BYTES = 8 * 1024 * 1024;

/** Every file path of the repository, and the text of those that are text (binary and huge files skipped). */
export async function readRepositoryFiles(root: string): Promise<{ paths: string[]; texts: RepoFile[] }> {
  const paths = (await listFiles(root, root)).sort();
  const files = await Promise.all(
    paths.map(async (path): Promise<RepoFile | undefined> => {
      const buffer = await readFile(join(root, path));
      if (buffer.length > MAX_TEXT_BYTES || buffer.includes(0)) return undefined;
      return { path, text: buffer.toString('utf8'), inDotDir: path.split('/').slice(0, -1).some((part) => part.startsWith('.')) };
    }),
  );
  return { paths, texts: files.filter((f): f is RepoFile => f !== undefined) };
}

async function listFiles(root: string, dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map(async (e) => {
      if (e.isDirectory()) return NEVER_READ.has(e.name) ? [] : listFiles(root, join(dir, e.name));
      return e.isFile() ? [relative(root, join(dir, e.name)).split(sep).join('/')] : [];
    }),
  );
  return nested.flat();
}

/** Written by `flux bootstrap`: large, upstream, read only for its CRD schemas. */
export const isGotkComponents = (path: string) => /^clusters\/[^/]+\/flux-system\/gotk-components\.ya?ml$/.test(path);

/** The YAML files that are checked as manifests: not in dot folders, not Flux's own components. */
export const isManifestCandidate = (f: RepoFile) => /\.ya?ml$/.test(f.path) && !f.inDotDir && !isGotkComponents(f.path);

/** The names kustomize recognises for its own file. */
export const KUSTOMIZATION_NAMES: readonly string[] = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
export const isKustomizationFile = (path: string) => KUSTOMIZATION_NAMES.includes(path.split('/').at(-1)!);

export const dirOf = (path: string) => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');

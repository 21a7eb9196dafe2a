import { createReadStream } from 'node:fs';
import { lstat, open, readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { createLimiter } from '../limiter.js';

/** A repository file as the checks see it: a '/'-separated path relative to the repository root. */
export interface RepoFile {
  readonly path: string;
  readonly text: string;
  /** Under a folder whose name starts with '.' (.github, .piksel, …): not a manifest. */
  readonly inDotDir: boolean;
}

/** Folders never read: Git's own data and installed packages. */
const NEVER_READ = new Set(['.git', 'node_modules']);
/** YAML larger than this is not parsed (not read at all). */
export const MAX_TEXT_BYTES = 8 * 1024 * 1024;
/** Other files larger than this are scanned in chunks, never held whole. */
export const LARGE_FILE_BYTES = 1024 * 1024;

/**
 * Every file path of the repository, and the text of those that are text (binary files and YAML
 * over 8 MiB skipped). Text files over 1 MiB that are not YAML are not read whole: `large` lists them.
 * `listed`: the repository's files, when the caller knows them (a staged tree): the folder is not walked.
 */
export async function readRepositoryFiles(
  root: string,
  written?: ReadonlyMap<string, string>,
  listed?: Iterable<string>,
): Promise<{ paths: string[]; texts: RepoFile[]; large: string[]; sizes: Map<string, number> }> {
  const paths = (listed ? [...listed].filter(isListed) : await listFiles(root, root)).sort();
  const large: string[] = [];
  const sizes = new Map<string, number>();
  const notRegular = new Set<string>();
  // Files open at once: well under the smallest common limit (256 on macOS), however large the repository.
  const limit = createLimiter(64);
  const files = await Promise.all(
    paths.map((path) => limit(async (): Promise<RepoFile | undefined> => {
      const known = written?.get(path);
      if (known !== undefined && readsBackAsWritten(known)) {
        sizes.set(path, Buffer.byteLength(known));
        return { path, text: known, inDotDir: isInDotDir(path) };
      }
      const full = join(root, path);
      // Not through a link, and never a FIFO or device (reading one never ends): such a path is not read.
      const info = await lstat(full);
      if (!info.isFile()) return void notRegular.add(path);
      const size = info.size;
      sizes.set(path, size);
      const yaml = /\.ya?ml$/.test(path);
      if (size > (yaml ? MAX_TEXT_BYTES : LARGE_FILE_BYTES)) {
        if (!yaml && !(await startsBinary(full))) large.push(path);
        return undefined;
      }
      const buffer = await readFile(full);
      if (buffer.includes(0)) return undefined;
      return { path, text: buffer.toString('utf8'), inDotDir: isInDotDir(path) };
    })),
  );
  return { paths: paths.filter((p) => !notRegular.has(p)), texts: files.filter((f): f is RepoFile => f !== undefined), large: large.sort(), sizes };
}

/**
 * Text written as UTF-8 and read back is the same text when it is well-formed UTF-16, not too
 * large to read whole and not binary: such a file is never read again.
 */
export const readsBackAsWritten = (text: string) => !/\p{Surrogate}/u.test(text) && text.length <= LARGE_FILE_BYTES / 4 && !text.includes('\0');

/** A path the folder walk would list: not inside the folders never read. */
const isListed = (path: string) => !path.split('/').slice(0, -1).some((part) => NEVER_READ.has(part));

const isInDotDir = (path: string) => path.split('/').slice(0, -1).some((part) => part.startsWith('.'));

/** A NUL byte in the first 8 KiB: a binary file, as Git decides. */
async function startsBinary(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(8192);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).includes(0);
  } finally {
    await handle.close();
  }
}

/** How far a match may reach back into the previous chunk (the longest pattern, with room). */
const OVERLAP = 4096;

/**
 * Runs `check` over a file a window at a time (64 KiB plus the tail of the one before), so memory
 * stays bounded however large the file is. Lines are those of the whole file; a finding seen in
 * two windows is returned once.
 */
export async function scanInChunks<T extends { line?: number }>(root: string, path: string, check: (window: RepoFile) => readonly T[]): Promise<T[]> {
  const found = new Map<string, T>();
  let carry = '';
  let linesBefore = 0; // newlines before the start of `carry`
  const inDotDir = isInDotDir(path);
  for await (const chunk of createReadStream(join(root, path), { encoding: 'utf8', highWaterMark: 64 * 1024 })) {
    const text = carry + (chunk as string);
    for (const f of check({ path, text, inDotDir })) {
      const shifted = { ...f, line: f.line === undefined ? undefined : f.line + linesBefore };
      found.set(JSON.stringify(shifted), shifted);
    }
    // The next window starts at a line start (for `^` patterns), unless the lines are very long.
    const cut = Math.max(0, text.length - 16 * OVERLAP, text.lastIndexOf('\n', text.length - OVERLAP) + 1);
    linesBefore += countNewlines(text, 0, cut);
    carry = text.slice(cut);
  }
  return [...found.values()];
}

const countNewlines = (text: string, from: number, to: number) => {
  let n = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
};

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

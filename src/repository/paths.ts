import { lstat, readlink, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { inputError } from '../errors.js';

/**
 * Every path this tool writes or deletes is relative to the repository and stays inside it:
 * no absolute paths, no `..`, no detours through a symbolic link that leads elsewhere.
 */

/** A normalised, '/'-separated path strictly inside the repository, or undefined. */
export function isContainedPath(path: unknown): path is string {
  if (typeof path !== 'string' || path === '' || path.includes('\0') || path.includes('\\')) return false;
  if (isAbsolute(path) || posix.isAbsolute(path)) return false;
  const segments = path.split('/');
  return posix.normalize(path) === path && segments.every((s) => s !== '' && s !== '.' && s !== '..');
}

const inside = (root: string, full: string) => {
  const rel = relative(root, full);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
};

/**
 * The first folder on the way to `path` that is a symbolic link leading out of `root`, if any.
 * Folders that do not exist yet are fine: they will be created as real folders.
 */
export async function escapingLink(root: string, path: string): Promise<{ link: string; to: string } | undefined> {
  const realRoot = await realpath(root);
  const segments = path.split('/');
  let current = realRoot;
  for (const [i, segment] of segments.slice(0, -1).entries()) {
    const next = join(current, segment);
    const info = await lstat(next).catch(() => undefined);
    if (!info) return undefined;
    if (info.isSymbolicLink()) {
      // A dangling link: its target, read against the link's own folder.
      const to = await realpath(next).catch(async () => resolve(dirname(next), await readlink(next)));
      if (!inside(realRoot, to)) return { link: segments.slice(0, i + 1).join('/'), to };
      current = to;
    } else current = next;
  }
  return undefined;
}

/** Refuses (exit 2, nothing written) paths that would leave `root`; checked before anything moves. */
export async function assertInside(root: string, paths: Iterable<string>): Promise<void> {
  for (const path of paths) {
    if (!isContainedPath(path)) throw inputError(`refusing to write '${path}': not a path inside the repository`);
    const escaping = await escapingLink(root, path);
    if (escaping)
      throw inputError(
        `${escaping.link} is a symbolic link to ${escaping.to}, outside the repository: refusing to write through it; replace it with a real folder and re-run`,
      );
  }
}

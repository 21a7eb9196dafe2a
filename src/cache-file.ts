import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync, type Stats } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * Writes a file of the user's cache folder: to a temporary name, then renamed, so a reader never
 * sees half an entry. Returns whether it was written; a cache that cannot be written costs speed,
 * never correctness, so nothing is thrown.
 */
export async function writeCacheFile(path: string, text: string): Promise<boolean> {
  try {
    // The user's own: what a repository holds is nobody else's to read.
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(temp, text, { mode: 0o600 });
    await rename(temp, path);
    return true;
  } catch {
    return false;
  }
}

/**
 * A cache entry's text, or undefined when there is none (writeCacheFile's reader), or when it is
 * not this user's own (see isOwn): an entry someone else wrote is never believed. Read
 * synchronously: a fleet's run looks up dozens of entries at once, and a read through the thread
 * pool costs more than the read.
 */
export function readCacheFile(path: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    return isOwn(fstatSync(fd)) ? readFileSync(fd, 'utf8') : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * A file or folder of the user's cache or state this user may believe: owned by this user, and
 * writable by no one else. In a folder another user owns or can write to, anyone could have
 * planted an entry (a parse that turns an error into `valid`, a seal key). Windows has no such
 * bits: there, the user's profile folder is trusted.
 */
export function isOwn(info: Pick<Stats, 'uid' | 'mode'>): boolean {
  if (typeof process.getuid !== 'function') return true;
  return info.uid === process.getuid() && (info.mode & 0o022) === 0;
}

/**
 * Whether a cache or state folder may be used: made (readable by its owner only) when missing, a
 * folder, and the user's own (isOwn). A folder that is not is never read nor written: the run goes
 * on without it.
 */
export async function ownFolder(path: string): Promise<boolean> {
  await mkdir(path, { recursive: true, mode: 0o700 }).catch(() => undefined);
  const info = await stat(path).catch(() => undefined);
  if (!info?.isDirectory()) return false;
  return isOwn(info);
}

/** Entries not written for this long are removed when their folder is pruned. */
const MAX_AGE_MS = 14 * 24 * 3600 * 1000;

/**
 * Keeps a folder of the cache bounded: entries not written for two weeks go, and past `maxBytes`
 * in all, the oldest go first (the newest stays, whatever its size). Never throws: a cache that
 * cannot be pruned only grows.
 */
export async function pruneCacheFolder(folder: string, maxBytes = Number.POSITIVE_INFINITY, now = Date.now()): Promise<void> {
  const names = await readdir(folder).catch(() => [] as string[]);
  const entries = await Promise.all(names.map(async (name) => ({ path: join(folder, name), info: await stat(join(folder, name)).catch(() => undefined) })));
  let bytes = 0;
  const newestFirst = entries.filter((e) => e.info?.isFile()).sort((a, b) => b.info!.mtimeMs - a.info!.mtimeMs);
  for (const [i, { path, info }] of newestFirst.entries()) {
    bytes += info!.size;
    if (now - info!.mtimeMs > MAX_AGE_MS || (i > 0 && bytes > maxBytes)) await rm(path, { force: true }).catch(() => undefined);
  }
}

/**
 * For a folder most runs add a few entries to: call after each write; the first call of a run
 * prunes the folder one run in twenty (pruneCacheFolder), the others do nothing.
 */
export function pruneNowAndThen(folder: string): () => Promise<void> {
  let asked = false;
  return async () => {
    if (asked) return;
    asked = true;
    if (Math.random() < 0.05) await pruneCacheFolder(folder);
  };
}

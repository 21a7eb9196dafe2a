import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

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
 * A cache entry's text, or undefined when there is none (writeCacheFile's reader). Read
 * synchronously: a fleet's run looks up dozens of entries at once, and a read through the thread
 * pool costs more than the read.
 */
export function readCacheFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

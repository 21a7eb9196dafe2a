import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/**
 * The largest file the tool reads whole: far above anything it writes (a 100-cluster merge base is
 * about 5 MB), far below the longest string JavaScript can hold (about 512 MB, beyond which
 * reading ends in "Cannot create a string longer than …").
 */
export const MAX_READ_BYTES = 64 * 1024 * 1024;

/** Why a file is not read: the middle of a one-line message whose caller names the file and the fix. */
export interface Unreadable {
  /** A pipe, device, folder or socket; a symbolic link where none may be; or too large. */
  readonly kind: 'special' | 'link' | 'large';
  readonly why: string;
}

export const megabytes = (bytes: number) => `${Math.round(bytes / (1024 * 1024))} MB`;

/** Why a file of `bytes` is too large to read whole, or undefined. */
export const tooLarge = (bytes: number): string | undefined =>
  bytes > MAX_READ_BYTES ? `is ${megabytes(bytes)}, more than the ${megabytes(MAX_READ_BYTES)} this tool reads` : undefined;

/**
 * A file's text, read whole, or why it was not: only a regular file of at most MAX_READ_BYTES. A
 * FIFO would block the read for ever, a device such as /dev/zero never ends. Opened without
 * blocking and checked on the open handle, so what is checked is what is read. `followLinks:
 * false` for files inside a repository, whose links may point anywhere. A missing file throws
 * (ENOENT), as readFile does.
 */
export async function readWholeFile(path: string, { followLinks = true } = {}): Promise<string | Unreadable> {
  // Windows has neither flag (nor FIFOs to block on).
  const flags = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (followLinks ? 0 : (constants.O_NOFOLLOW ?? 0));
  let handle;
  try {
    handle = await open(path, flags);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP' && !followLinks) return { kind: 'link', why: 'is a symbolic link, not a file this tool writes' };
    throw e;
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return { kind: 'special', why: `is not a regular file (${stats.isFIFO() ? 'a pipe' : stats.isDirectory() ? 'a folder' : 'a device or socket'})` };
    const large = tooLarge(stats.size);
    if (large) return { kind: 'large', why: large };
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

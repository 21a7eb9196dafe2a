import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, lstat, readFile, writeFile } from 'node:fs/promises';
import { homedir, hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { isOwn, ownFolder } from '../cache-file.js';

/**
 * Proof that a staging record was written by this tool, for this user, on this machine, in this
 * very folder. A record is a file in the repository's work tree, so anyone can commit one; the
 * seal is an HMAC under a per-user key kept outside every repository (never committed), over the
 * record and the staging folder's real path and inode. A committed record replayed in a clone
 * (new path, new inode, other key) does not verify and is never acted on.
 */

const KEY_FILE = 'staging.key';

/**
 * `$XDG_STATE_HOME/create-piksel-gitops`, or `~/.local/state/…`. Never a shared temporary folder:
 * anyone can make `/tmp/create-piksel-gitops-<uid>` first and leave a key of their own in it.
 */
function keyDir(): string {
  const state = process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(state, 'create-piksel-gitops');
}

const safeUid = () => {
  try {
    return String(userInfo().uid);
  } catch {
    return 'user';
  }
};

/** The key file's content, when it is this user's own and long enough. */
async function ownKey(file: string): Promise<Buffer | undefined> {
  const info = await lstat(file).catch(() => undefined);
  if (!info?.isFile() || !isOwn(info)) return undefined;
  const key = await readFile(file).catch(() => undefined);
  return key && key.length >= 32 ? key : undefined;
}

let cachedKey: Promise<Buffer> | undefined;
/** Forgets the key read so far (tests change XDG_STATE_HOME). */
export const resetSealKey = () => void (cachedKey = undefined);

async function sealKey(): Promise<Buffer> {
  return (cachedKey ??= (async () => {
    const dir = keyDir();
    const file = join(dir, KEY_FILE);
    // A folder (or key) another user owns or can write to may hold a key they know: never used.
    if (await ownFolder(dir)) {
      const existing = await ownKey(file);
      if (existing) return existing;
      try {
        await writeFile(file, randomBytes(32), { mode: 0o600, flag: 'wx' }).catch(async (e: NodeJS.ErrnoException) => {
          if (e.code !== 'EEXIST') throw e;
        });
        await chmod(file, 0o600).catch(() => undefined);
        const written = await ownKey(file);
        if (written) return written;
      } catch {
        // no key kept: see below
      }
    }
    // Nowhere to keep a key: a per-process one still seals this run's records (not a later run's:
    // an interrupted run's record is then reported as "not left by an interrupted run" and left as it is).
    return randomBytes(32);
  })());
}

/** What a seal binds besides the record: where it lives and who wrote it. */
export interface SealContext {
  readonly realPath: string;
  readonly dev: number;
  readonly ino: number;
}

const payload = (record: unknown, context: SealContext) =>
  JSON.stringify({ record, host: hostname(), uid: safeUid(), path: context.realPath, dev: context.dev, ino: context.ino });

export async function seal(record: unknown, context: SealContext): Promise<string> {
  return createHmac('sha256', await sealKey()).update(payload(record, context)).digest('hex');
}

export async function verifySeal(record: unknown, context: SealContext, mac: unknown): Promise<boolean> {
  if (typeof mac !== 'string' || !/^[0-9a-f]{64}$/.test(mac)) return false;
  const expected = Buffer.from(await seal(record, context), 'hex');
  return timingSafeEqual(expected, Buffer.from(mac, 'hex'));
}

/** This host's name, recorded beside the pid so a live run elsewhere is not mistaken for a dead one. */
export const thisHost = () => hostname();

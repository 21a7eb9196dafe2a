import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir, hostname, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/**
 * Proof that a staging record was written by this tool, for this user, on this machine, in this
 * very folder. A record is a file in the repository's work tree, so anyone can commit one; the
 * seal is an HMAC under a per-user key kept outside every repository (never committed), over the
 * record and the staging folder's real path and inode. A committed record replayed in a clone
 * (new path, new inode, other key) does not verify and is never acted on.
 */

const KEY_FILE = 'staging.key';

/** `$XDG_STATE_HOME/create-piksel-gitops`, or `~/.local/state/…`; the temp folder when home is read-only. */
function keyDirs(): string[] {
  const state = process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return [join(state, 'create-piksel-gitops'), join(tmpdir(), `create-piksel-gitops-${safeUid()}`)];
}

const safeUid = () => {
  try {
    return String(userInfo().uid);
  } catch {
    return 'user';
  }
};

let cachedKey: Promise<Buffer> | undefined;
/** Forgets the key read so far (tests change XDG_STATE_HOME). */
export const resetSealKey = () => void (cachedKey = undefined);

async function sealKey(): Promise<Buffer> {
  return (cachedKey ??= (async () => {
    for (const dir of keyDirs()) {
      const file = join(dir, KEY_FILE);
      const existing = await readFile(file).catch(() => undefined);
      if (existing && existing.length >= 32) return existing;
      try {
        await mkdir(dir, { recursive: true, mode: 0o700 });
        const key = randomBytes(32);
        await writeFile(file, key, { mode: 0o600, flag: 'wx' }).catch(async (e: NodeJS.ErrnoException) => {
          if (e.code !== 'EEXIST') throw e;
        });
        await chmod(file, 0o600).catch(() => undefined);
        const written = await readFile(file);
        if (written.length >= 32) return written;
      } catch {
        // try the next place
      }
    }
    // Nowhere to keep a key: a per-process one still seals this run's records (not a later run's).
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

import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { FileTree } from '../render/index.js';

/**
 * Atomic writes. A new repository is assembled in a staging folder beside the target (same
 * filesystem) and renamed into place in one step. Changes to an existing repository are staged
 * inside it, recorded in a journal, then renamed file by file with Ctrl-C held back; a run that
 * dies mid-way is finished from the journal by the next run, so the tree is the old one or the
 * complete new one.
 */
export const STAGING_PREFIX = '.piksel-staging-';
const JOURNAL = 'journal.json';

export async function writeTree(root: string, files: FileTree): Promise<void> {
  await Promise.all(
    [...files].map(async ([path, text]) => {
      const full = join(root, path);
      await mkdir(dirname(full), { recursive: true });
      await writeFile(full, text);
    }),
  );
}

/** Stages `files` beside `target`; `check` may inspect (validate) the staged tree before it moves. */
export async function createRepository(target: string, files: FileTree, check?: (staged: string) => Promise<void>): Promise<void> {
  const staging = join(dirname(target), `${STAGING_PREFIX}${basename(target)}-${randomBytes(4).toString('hex')}`);
  await mkdir(dirname(target), { recursive: true });
  try {
    await writeTree(staging, files);
    await check?.(staging);
    await rmdir(target).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
    await rename(staging, target);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

interface Journal {
  readonly writes: readonly string[];
  readonly deletes: readonly string[];
}

/** Writes `files` and deletes `deletions` inside an existing repository, all or nothing. */
export async function updateRepository(
  target: string,
  files: FileTree,
  deletions: readonly string[] = [],
  check?: (staged: string) => Promise<void>,
): Promise<void> {
  await recoverInterruptedUpdate(target);
  const staging = join(target, `${STAGING_PREFIX}${randomBytes(4).toString('hex')}`);
  try {
    await writeTree(join(staging, 'files'), files);
    await check?.(join(staging, 'files'));
    const journal: Journal = { writes: [...files.keys()], deletes: [...deletions] };
    await writeFile(join(staging, JOURNAL), JSON.stringify(journal));
    await holdInterrupts(() => applyJournal(target, staging, journal));
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function applyJournal(target: string, staging: string, journal: Journal): Promise<void> {
  for (const path of journal.writes) {
    const from = join(staging, 'files', path);
    await mkdir(dirname(join(target, path)), { recursive: true });
    await rename(from, join(target, path)).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e; // already moved by an earlier, interrupted run
    });
  }
  for (const path of journal.deletes) await rm(join(target, path), { force: true });
}

/** Finishes an update that was interrupted after its journal was written; drops unfinished staging. */
export async function recoverInterruptedUpdate(target: string): Promise<void> {
  const entries = await readdir(target).catch(() => [] as string[]);
  for (const entry of entries.filter((e) => e.startsWith(STAGING_PREFIX))) {
    const staging = join(target, entry);
    const journal = await readFile(join(staging, JOURNAL), 'utf8').then((t) => JSON.parse(t) as Journal, () => undefined);
    if (journal) await applyJournal(target, staging, journal);
    await rm(staging, { recursive: true, force: true });
  }
}

/** Runs `work` with SIGINT/SIGTERM deferred, then re-raises a signal that arrived meanwhile. */
async function holdInterrupts(work: () => Promise<void>): Promise<void> {
  let pending: NodeJS.Signals | undefined;
  const hold = (signal: NodeJS.Signals) => (pending ??= signal);
  process.on('SIGINT', hold).on('SIGTERM', hold);
  try {
    await work();
  } finally {
    process.off('SIGINT', hold).off('SIGTERM', hold);
    if (pending) process.kill(process.pid, pending);
  }
}

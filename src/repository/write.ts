import { randomBytes } from 'node:crypto';
import { link, lstat, mkdir, readdir, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { inputError } from '../errors.js';
import { createLimiter } from '../limiter.js';
import type { ProcessRunner } from '../process.js';
import { STAGING_PREFIX, type FileTree } from '../project/files.js';

export { STAGING_PREFIX } from '../project/files.js';
import { commitAll } from './git.js';
import { assertInside, isContainedPath } from './paths.js';
import { seal, thisHost, verifySeal, type SealContext } from './seal.js';

/**
 * Atomic writes. A new repository is assembled in a staging folder beside the target (same
 * filesystem) and renamed into place in one step. Changes to an existing repository are staged
 * inside it (a gitignored `.piksel-staging-*` folder), recorded, then renamed file by file and
 * committed with Ctrl-C held back, so an upgrade ends not applied, or applied and committed.
 *
 * Each staging folder carries a sealed record (see seal.ts): the next run finishes or drops only
 * the leftovers it can prove this tool wrote here, and says so; anything else is left alone.
 */
const RECORD = 'journal.json';

/**
 * Writes `files` under `root`. For a tree only read afterwards (the check before an upgrade),
 * `sameAs(path)` may name a regular file of the repository that already holds that text: it is
 * hard-linked rather than written, since creating hundreds of files costs far more than linking
 * them. Where linking fails (another filesystem) the text is written.
 */
export async function writeTree(
  root: string,
  files: FileTree,
  sameAs: (path: string) => string | undefined = () => undefined,
  /** Writes that run side by side share one (openFilesLimit), so together they stay under it. */
  limit = openFilesLimit(),
): Promise<void> {
  let linking = true;
  // Each folder once (a fleet has hundreds of files in a few dozen folders): only the deepest are
  // made, at once; their parents come with them.
  const folders = new Set([...files.keys()].map((path) => dirname(join(root, path))));
  const parents = new Set([...folders].flatMap((folder) => (folder === root ? [] : [dirname(folder)])));
  await Promise.all([...folders].filter((folder) => !parents.has(folder)).map((folder) => limit(() => mkdir(folder, { recursive: true }))));
  await Promise.all(
    [...files].map(([path, text]) => limit(async () => {
      const full = join(root, path);
      const source = linking ? sameAs(path) : undefined;
      if (source !== undefined && (await link(source, full).then(() => true, () => false))) return;
      if (source !== undefined) linking = false; // one failure (EXDEV) says the rest would fail too
      await writeFile(full, text);
    })),
  );
}

/** Files open at once: well under the smallest common limit (256 on macOS), however large the fleet. */
const OPEN_FILES = 64;
export const openFilesLimit = () => createLimiter(OPEN_FILES);

/** What a staging folder holds: `staging` while files are written, `applying` once they move. */
interface StagingRecord {
  readonly format: 2;
  readonly state: 'staging' | 'applying';
  readonly pid: number;
  readonly host: string;
  readonly writes: readonly string[];
  readonly deletes: readonly string[];
  /** The commit that completes the update (recovery makes it when the run died before). */
  readonly commit?: { readonly branch: string; readonly message: string };
}

async function sealContext(staging: string): Promise<SealContext> {
  const realPath = await realpath(staging);
  const info = await stat(realPath);
  return { realPath, dev: info.dev, ino: info.ino };
}

async function writeRecord(staging: string, record: StagingRecord): Promise<void> {
  const mac = await seal(record, await sealContext(staging));
  const temp = join(staging, `${RECORD}.tmp`);
  await writeFile(temp, JSON.stringify({ ...record, seal: mac }));
  await rename(temp, join(staging, RECORD));
}

/** The record, when it verifies as this tool's, for this folder, on this machine; else undefined. */
async function readRecord(staging: string): Promise<StagingRecord | undefined> {
  try {
    const info = await lstat(staging);
    if (!info.isDirectory()) return undefined;
    const raw = JSON.parse(await readFile(join(staging, RECORD), 'utf8')) as Record<string, unknown>;
    const { seal: mac, ...rest } = raw;
    const record = rest as unknown as StagingRecord;
    if (record.format !== 2 || (record.state !== 'staging' && record.state !== 'applying')) return undefined;
    if (!Array.isArray(record.writes) || !Array.isArray(record.deletes)) return undefined;
    if (![...record.writes, ...record.deletes].every(isContainedPath)) return undefined;
    return (await verifySeal(rest, await sealContext(staging), mac)) ? record : undefined;
  } catch {
    return undefined;
  }
}

/** Makes a fresh staging folder and seals it as ours before anything else goes in (exported for tests of a killed run). */
export async function openStaging(path: string): Promise<string> {
  await mkdir(path);
  await writeRecord(path, { format: 2, state: 'staging', pid: process.pid, host: thisHost(), writes: [], deletes: [] });
  return path;
}

const stagingId = () => randomBytes(4).toString('hex');
const creationPrefix = (target: string) => `${STAGING_PREFIX}${basename(target)}-`;

/** Stages `files` beside `target` (which must not exist); `check` may inspect the staged tree first. */
export async function createRepository(target: string, files: FileTree, check?: (staged: string) => Promise<void>): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const staging = await openStaging(join(dirname(target), `${creationPrefix(target)}${stagingId()}`));
  try {
    const tree = join(staging, 'tree');
    await writeTree(tree, files);
    await check?.(tree);
    await rename(tree, target).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOTEMPTY' || e.code === 'EEXIST' || e.code === 'ENOTDIR')
        throw inputError(`${target} appeared while this run was writing (another run at the same time?): nothing written; re-run to upgrade it`);
      throw e;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

export interface UpdateCommit {
  readonly run: ProcessRunner;
  readonly branch: string;
  readonly message: string;
}

/**
 * Writes `files` and deletes `deletions` inside an existing repository, all or nothing, then (with
 * `commit`) commits exactly those paths. Paths are checked first: none may leave the repository.
 * Returns whether a commit was made.
 */
export async function updateRepository(
  target: string,
  files: FileTree,
  deletions: readonly string[] = [],
  check?: (staged: string) => Promise<void>,
  commit?: UpdateCommit,
): Promise<boolean> {
  await assertInside(target, [...files.keys(), ...deletions]);
  const staging = await openStaging(join(target, `${STAGING_PREFIX}${stagingId()}`));
  try {
    await writeTree(join(staging, 'files'), files);
    await check?.(join(staging, 'files'));
    return await holdInterrupts(async () => {
      const record = applyingRecord(files, deletions, commit);
      await writeRecord(staging, record);
      return finishRecord(target, staging, record, commit?.run);
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** What one apply does: the plan's writes and deletes, the check of the staged tree, the commit. */
export interface ApplyRequest {
  /** The project folder does not exist yet (it is created whole; if it appears meanwhile, nothing is written). */
  readonly newFolder: boolean;
  readonly writes: FileTree;
  readonly deletes?: readonly string[];
  readonly check?: (staged: string) => Promise<void>;
  readonly commit?: UpdateCommit;
}

/**
 * The one writer of create and upgrade: stage, check, move into place, commit; all or nothing.
 * A project folder that does not exist yet is staged beside it and renamed into place whole (an
 * interrupted creation leaves no folder); an existing one (a repository, or the empty folder the
 * shell stands in) is updated in place through a sealed record the next run finishes. Returns
 * whether a commit was made.
 */
export async function applyPlan(target: string, request: ApplyRequest): Promise<boolean> {
  if (!request.newFolder) return updateRepository(target, request.writes, request.deletes ?? [], request.check, request.commit);
  await createRepository(target, request.writes, request.check);
  const { commit } = request;
  return commit ? (await commitAll(commit.run, target, commit.branch, commit.message)).committed : false;
}

const applyingRecord = (files: FileTree, deletions: readonly string[], commit?: Pick<UpdateCommit, 'branch' | 'message'>): StagingRecord => ({
  format: 2,
  state: 'applying',
  pid: process.pid,
  host: thisHost(),
  writes: [...files.keys()],
  deletes: [...deletions],
  ...(commit ? { commit: { branch: commit.branch, message: commit.message } } : {}),
});

/**
 * What a run killed right after deciding to apply leaves behind (files staged, record sealed, nothing
 * moved yet): the next run must finish it. For tests of recovery; updateRepository does it in one go.
 */
export async function stageUpdate(target: string, files: FileTree, deletions: readonly string[] = [], commit?: Omit<UpdateCommit, 'run'>): Promise<string> {
  const staging = await openStaging(join(target, `${STAGING_PREFIX}${stagingId()}`));
  await writeTree(join(staging, 'files'), files);
  const record = applyingRecord(files, deletions, commit);
  await writeRecord(staging, record);
  return staging;
}

/** Moves staged files into place, deletes, commits, drops the staging folder. Safe to repeat. */
async function finishRecord(target: string, staging: string, record: StagingRecord, run?: ProcessRunner): Promise<boolean> {
  await assertInside(target, [...record.writes, ...record.deletes]);
  for (const path of record.writes) {
    const from = join(staging, 'files', path);
    await mkdir(dirname(join(target, path)), { recursive: true });
    await rename(from, join(target, path)).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e; // already moved by an earlier, interrupted run
    });
  }
  for (const path of record.deletes) await rm(join(target, path), { force: true });
  const committed =
    record.commit && run ? (await commitAll(run, target, record.commit.branch, record.commit.message, [...record.writes, ...record.deletes])).committed : false;
  await rm(staging, { recursive: true, force: true });
  return committed;
}

const isAlive = (pid: number) => {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** A sealed leftover from a run that is still going (same host, live pid) is not ours to touch. */
const stillRunning = (record: StagingRecord) => record.host === thisHost() && Number.isInteger(record.pid) && isAlive(record.pid);

/**
 * Before anything is planned: finishes an update a killed run had started applying (and commits it,
 * as that run would have), drops staging a killed run left before applying. Returns one line per
 * leftover, for the person to read. Folders that are not provably ours (a record committed to git,
 * copied from elsewhere, unsealed) are never acted on, only named.
 */
export async function recoverInterruptedUpdate(target: string, run?: ProcessRunner): Promise<string[]> {
  const entries = await readdir(target).catch(() => [] as string[]);
  const notes: string[] = [];
  for (const entry of entries.filter((e) => e.startsWith(STAGING_PREFIX)).sort()) {
    const staging = join(target, entry);
    const record = (await trackedByGit(target, entry, run)) ? undefined : await readRecord(staging);
    if (!record) {
      notes.push(`ignored ${entry}: not left by an interrupted run of create-piksel-gitops on this machine (delete it if you do not need it)`);
      continue;
    }
    if (stillRunning(record)) {
      notes.push(`left ${entry} alone: another run (pid ${record.pid}) is still using it`);
      continue;
    }
    if (record.state === 'staging') {
      await rm(staging, { recursive: true, force: true });
      notes.push(`removed ${entry}, left by a run that stopped before changing anything`);
      continue;
    }
    const committed = await finishRecord(target, staging, record, run);
    notes.push(
      `finished an update an earlier run was interrupted in (${record.writes.length} written, ${record.deletes.length} deleted)${committed ? `, committed: ${record.commit!.message}` : ''}`,
    );
  }
  return notes;
}

/** Drops what a killed create left beside `target` (only folders sealed as ours). */
export async function removeAbandonedCreations(target: string): Promise<string[]> {
  const parent = dirname(target);
  const entries = await readdir(parent).catch(() => [] as string[]);
  const notes: string[] = [];
  for (const entry of entries.filter((e) => e.startsWith(creationPrefix(target)))) {
    const record = await readRecord(join(parent, entry));
    if (!record || stillRunning(record)) continue;
    await rm(join(parent, entry), { recursive: true, force: true });
    notes.push(`removed ${entry}, left beside ${basename(target)} by a create that was interrupted`);
  }
  return notes;
}

async function trackedByGit(target: string, entry: string, run?: ProcessRunner): Promise<boolean> {
  if (!run) return false;
  const listed = await run('git', ['ls-files', '--', `:(literal)${entry}`], { cwd: target });
  return listed.exitCode === 0 && listed.stdout.trim() !== '';
}

/** Runs `work` with SIGINT/SIGTERM deferred, then re-raises a signal that arrived meanwhile. */
async function holdInterrupts<T>(work: () => Promise<T>): Promise<T> {
  let pending: NodeJS.Signals | undefined;
  const hold = (signal: NodeJS.Signals) => (pending ??= signal);
  process.on('SIGINT', hold).on('SIGTERM', hold);
  try {
    return await work();
  } finally {
    process.off('SIGINT', hold).off('SIGTERM', hold);
    if (pending) process.kill(process.pid, pending);
  }
}

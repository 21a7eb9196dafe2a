import { lstat, readdir, readlink, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { parseAnswersText } from '../answers/load.js';
import { keepStoredEdge } from '../answers/sections/ingress.js';
import { inputError } from '../errors.js';
import type { ProcessRunner } from '../process.js';
import { ANSWERS_FILE, BASE_FILE, STAGING_PREFIX } from './files.js';
import { MAX_READ_BYTES, readWholeFile } from './read.js';

/**
 * The project: the target folder, opened once. What is there (missing, empty, generated or
 * foreign) decides create, upgrade or refuse; a generated one carries its stored answers, read
 * with the same loader and errors as --answers. Its merge base (base.ts), its files on disk and
 * its git state (assertClean) are read from here too.
 */
export type TargetState =
  | { readonly kind: 'missing' }
  /** `keeps`: entries such as `.git` that stay (the folder is written in place, not replaced). */
  | { readonly kind: 'empty'; readonly keeps: readonly string[] }
  | { readonly kind: 'generated'; readonly storedAnswers: Record<string, unknown> }
  | { readonly kind: 'foreign'; readonly entries: readonly string[] };

/** Entries that do not make a folder "non-empty" (a fresh `git init` is still empty). */
const IGNORABLE = new Set(['.git', '.DS_Store']);

export async function inspectTarget(dir: string): Promise<TargetState> {
  let entries: string[];
  const link = await lstat(dir).then((s) => s.isSymbolicLink(), () => false);
  try {
    if (!(await stat(dir)).isDirectory()) throw inputError(`${dir} is a file, not a folder: choose a folder to create the repository in`);
    entries = await readdir(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && link)
      throw inputError(`${dir} is a symbolic link to ${await readlink(dir)}, which does not exist: create that folder, or remove the link`);
    if (code === 'ENOENT') return { kind: 'missing' };
    if (code === 'ENOTDIR') throw inputError(`a part of ${dir} is a file, not a folder: choose another folder`);
    throw e;
  }
  const meaningful = entries.filter((e) => !IGNORABLE.has(e));
  if (meaningful.length === 0) return { kind: 'empty', keeps: entries };
  if (meaningful.includes(ANSWERS_FILE)) {
    const file = join(dir, ANSWERS_FILE);
    const text = await readWholeFile(file, { followLinks: false });
    if (typeof text !== 'string') throw inputError(`${file} ${text.why}: it holds this repository's answers; restore it from git`);
    // Stored state: a damaged answers file is named with its line, never guessed around.
    return { kind: 'generated', storedAnswers: keepStoredEdge(parseAnswersText(text, file)) };
  }
  return { kind: 'foreign', entries: meaningful };
}

/** How careful an upgrade must be with the project's git state (the command line decides). */
export interface UpgradeSafety {
  /** The folder as the user wrote it, for messages. */
  readonly dir: string;
  readonly allowDirty: boolean;
  readonly allowDetached: boolean;
  readonly dryRun: boolean;
  readonly git: boolean;
}

/** Refuses uncommitted changes: the upgrade must be reviewable and undoable as one commit. */
export async function assertClean(dir: string, options: UpgradeSafety, run: ProcessRunner): Promise<void> {
  await assertOnBranch(dir, options, run);
  if (options.allowDirty) return;
  const status = await run('git', ['status', '--porcelain'], { cwd: dir });
  if (status.exitCode !== 0 || status.notFound) return; // not a git repository: nothing to protect
  if (status.stdout.trim() !== '')
    throw inputError(
      `${options.dir} has uncommitted changes: commit or stash them first, so the upgrade can be reviewed and undone as one commit (or pass --allow-dirty)`,
    );
}

/** On a detached HEAD the upgrade commit would belong to no branch and be easy to lose. */
async function assertOnBranch(dir: string, options: UpgradeSafety, run: ProcessRunner): Promise<void> {
  if (options.allowDetached || options.dryRun || !options.git) return;
  const head = await run('git', ['rev-parse', '--verify', '--quiet', 'HEAD'], { cwd: dir });
  if (head.exitCode !== 0 || head.notFound) return; // no commit yet, or no git: nothing to lose
  const branch = await run('git', ['symbolic-ref', '--quiet', 'HEAD'], { cwd: dir });
  if (branch.exitCode !== 0)
    throw inputError(
      `${options.dir} is on a detached HEAD: the upgrade commit would be on no branch: check out a branch first (git switch <branch>), or pass --allow-detached`,
    );
}

/** A generated project's files on disk, and those too large to read (path → bytes): those are left untouched. */
export interface ProjectFiles {
  readonly files: ReadonlyMap<string, string>;
  readonly tooLarge: ReadonlyMap<string, number>;
}

/**
 * A generated project's files as they are on disk: everything but git internals, our staging
 * folders and the merge base. Read on a worker thread: create starts it when it opens the folder,
 * and the render keeps the main thread busy for about as long as reading a fleet's files takes.
 */
export function readProjectFiles(dir: string): Promise<ProjectFiles> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(READ_PROJECT, { eval: true, workerData: { dir, skip: [BASE_FILE], prefix: STAGING_PREFIX, limit: MAX_READ_BYTES } });
    worker.once('message', ({ files, tooLarge }: { files: [string, string][]; tooLarge: [string, number][] }) =>
      resolve({ files: new Map(files), tooLarge: new Map(tooLarge) }),
    );
    worker.once('error', reject);
    worker.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`reading ${dir} stopped (${code})`))));
  });
}

/**
 * The worker's whole program (plain JavaScript, no module to load). Not into .git: after a few
 * dozen commits it holds far more files than the project. Files are read one after another,
 * without the thread pool: for hundreds of small files that is several times faster. Only
 * regular files (a FIFO would block, a link may point anywhere), and none larger than the limit
 * (a 700 MB data file would not fit in a string).
 */
const READ_PROJECT = `
const { parentPort, workerData: { dir, skip, prefix, limit } } = require('node:worker_threads');
const { lstatSync, readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const top = readdirSync(dir, { withFileTypes: true }).filter((e) => e.name !== '.git' && !e.name.startsWith(prefix));
const nested = top.filter((e) => e.isDirectory()).flatMap((e) => readdirSync(join(dir, e.name), { recursive: true, withFileTypes: true }));
const paths = [...top, ...nested].filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1)).filter((p) => !skip.includes(p));
const sized = paths.map((p) => [p, lstatSync(join(dir, p)).size]);
parentPort.postMessage({
  files: sized.filter(([, size]) => size <= limit).map(([p]) => [p, readFileSync(join(dir, p), 'utf8')]),
  tooLarge: sized.filter(([, size]) => size > limit),
});
`;

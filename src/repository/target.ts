import { lstat, readdir, readFile, readlink, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAnswersText } from '../answers/load.js';
import { inputError } from '../errors.js';
import { ANSWERS_FILE } from '../project/files.js';

/** What is at the target folder before we write: decides create, upgrade or refuse. */
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
    if (!(await stat(file)).isFile()) throw inputError(`${file} is not a file: it holds this repository's answers; restore it from git`);
    // Stored state: a damaged answers file is named with its line, never guessed around.
    const stored = parseAnswersText(await readFile(file, 'utf8'), file);
    return { kind: 'generated', storedAnswers: stored };
  }
  return { kind: 'foreign', entries: meaningful };
}

import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ANSWERS_FILE } from '../render/index.js';

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
  try {
    if (!(await stat(dir)).isDirectory()) return { kind: 'foreign', entries: [dir] };
    entries = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw e;
  }
  const meaningful = entries.filter((e) => !IGNORABLE.has(e));
  if (meaningful.length === 0) return { kind: 'empty', keeps: entries };
  if (meaningful.includes(ANSWERS_FILE)) {
    const stored = parse(await readFile(join(dir, ANSWERS_FILE), 'utf8')) as unknown;
    if (stored && typeof stored === 'object' && !Array.isArray(stored))
      return { kind: 'generated', storedAnswers: stored as Record<string, unknown> };
  }
  return { kind: 'foreign', entries: meaningful };
}

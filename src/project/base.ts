import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseDocument, stringify, YAMLError } from 'yaml';
import { inputError } from '../errors.js';
import { isContainedPath } from '../repository/paths.js';
import { BASE_FILE, type FileTree } from './files.js';

interface BaseDocument {
  readonly format: 1;
  readonly toolVersion: string;
  readonly files: Record<string, string>;
}

export function baseFileText(files: FileTree, toolVersion: string): string {
  const doc: BaseDocument = { format: 1, toolVersion, files: Object.fromEntries(files) };
  return [
    '# Written by create-piksel-gitops: what it generated last time, the base for merging your',
    '# edits with the next upgrade. Do not edit; commit it with the rest of the repository.',
    stringify(doc, { lineWidth: 0, blockQuote: 'literal' }),
  ].join('\n');
}

export interface StoredBase {
  readonly toolVersion?: string;
  readonly files: ReadonlyMap<string, string>;
}

/**
 * The recorded base, or an empty one for a repository generated before bases were recorded. With
 * a cache folder, the parse is remembered there by the text's SHA-256 (at 21 clusters the base is
 * close to 1 MB of YAML, a tenth of a second to parse); what is read back is checked as a fresh
 * parse is.
 */
export async function readBase(dir: string, cacheDir?: string): Promise<StoredBase> {
  let text: string;
  try {
    text = await readFile(join(dir, BASE_FILE), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { files: new Map() };
    throw damaged(`cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const remembered = cacheDir === undefined ? undefined : memoPath(cacheDir, text);
  const cached = remembered === undefined ? undefined : await readFile(remembered, 'utf8').then(JSON.parse, () => undefined).catch(() => undefined);
  if (cached !== undefined) {
    const base = checkedBase(cached);
    if (base) return base;
  }
  let doc: unknown;
  try {
    const parsed = parseDocument(text, { uniqueKeys: true });
    if (parsed.errors[0]) throw parsed.errors[0];
    doc = parsed.toJS({ maxAliasCount: 0 });
  } catch (e) {
    throw damaged(e instanceof YAMLError ? e.message.split('\n')[0]! : 'it uses YAML aliases, which this tool never writes');
  }
  if (!isRecord(doc) || doc.format !== 1 || !isRecord(doc.files)) throw damaged('it is not a base this tool wrote (format: 1 with files)');
  const odd = Object.entries(doc.files).find(([path, value]) => typeof value !== 'string' || !isContainedPath(path));
  if (odd) throw damaged(`files.${odd[0]} is not a path and its text`);
  if (remembered !== undefined) await remember(remembered, doc);
  return checkedBase(doc)!;
}

/** Parses of merge bases, by the SHA-256 of their text, in the user's cache folder. */
const PARSED_BASES = 'merge-base-v1';
const memoPath = (cacheDir: string, text: string) => join(cacheDir, PARSED_BASES, `${createHash('sha256').update(text).digest('hex')}.json`);

/**
 * Remembers the base a run has just written (`text`, made by baseFileText from `files`), so the
 * next run reads it without parsing: the parse of that text is exactly this document.
 */
export async function rememberBase(cacheDir: string, text: string, files: FileTree, toolVersion: string): Promise<void> {
  const doc: BaseDocument = { format: 1, toolVersion, files: Object.fromEntries(files) };
  await remember(memoPath(cacheDir, text), doc);
}

/** A parsed base as the tool writes it (format 1, every file a contained path with its text), else undefined. */
function checkedBase(doc: unknown): StoredBase | undefined {
  if (!isRecord(doc) || doc.format !== 1 || !isRecord(doc.files)) return undefined;
  const entries = Object.entries(doc.files);
  if (entries.some(([path, value]) => typeof value !== 'string' || !isContainedPath(path))) return undefined;
  return { toolVersion: typeof doc.toolVersion === 'string' ? doc.toolVersion : undefined, files: new Map(entries as [string, string][]) };
}

/** Written to a temporary name and renamed, so a reader never sees half an entry; a cache that cannot be written costs speed only. */
async function remember(path: string, doc: unknown): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(temp, JSON.stringify(doc));
    await rename(temp, path);
  } catch {
    // speed, not correctness
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Stored state the merge depends on: refused by name, never turned into whole-file conflicts. */
const damaged = (why: string) =>
  inputError(`${BASE_FILE} is damaged: ${why}: restore it with \`git checkout -- ${BASE_FILE}\` (or delete it to treat every file as yours), then re-run`);

import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { ownFolder, pruneCacheFolder, readCacheFile, writeCacheFile } from '../cache-file.js';
import { parseDocument, stringify, YAMLError } from 'yaml';
import { inputError, PikselError } from '../errors.js';
import { isContainedPath } from '../repository/paths.js';
import { BASE_FILE, type FileTree } from './files.js';
import { readWholeFile } from './read.js';

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
    const read = await readWholeFile(join(dir, BASE_FILE), { followLinks: false });
    if (typeof read !== 'string') throw damaged(read.why);
    text = read;
  } catch (e) {
    if (e instanceof PikselError) throw e;
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { files: new Map() };
    throw damaged(`cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  // A memo is believed only from the user's own folder and file (cache-file.ts): another user's
  // planted parse would decide what an upgrade keeps and deletes.
  const remembered = cacheDir === undefined || !(await ownFolder(cacheDir)) ? undefined : memoPath(cacheDir, text);
  const cached = remembered === undefined ? undefined : memoJson(readCacheFile(remembered));
  const fromCache = cached === undefined ? undefined : asBase(cached);
  if (fromCache !== undefined && typeof fromCache !== 'string') return fromCache; // else parsed afresh
  let doc: unknown;
  try {
    const parsed = parseDocument(text, { uniqueKeys: true });
    if (parsed.errors[0]) throw parsed.errors[0];
    doc = parsed.toJS({ maxAliasCount: 0 });
  } catch (e) {
    throw damaged(e instanceof YAMLError ? e.message.split('\n')[0]! : 'it uses YAML aliases, which this tool never writes');
  }
  const base = asBase(doc);
  if (typeof base === 'string') throw damaged(base);
  if (remembered !== undefined) await writeCacheFile(remembered, JSON.stringify(doc));
  return base;
}

function memoJson(text: string | undefined): unknown {
  try {
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
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
  await writeCacheFile(memoPath(cacheDir, text), JSON.stringify(doc));
  // Each upgrade of a fleet leaves a base of a megabyte or more: the newest are kept, up to a bound.
  await pruneCacheFolder(join(cacheDir, PARSED_BASES), MAX_PARSED_BASES_BYTES);
}

/** The parsed bases kept in all: a 20-cluster base is about 0.8 MB as JSON, a 100-cluster one about 4 MB. */
const MAX_PARSED_BASES_BYTES = 64 * 1024 * 1024;

/** A parsed base as the tool writes it (format 1, every file a contained path with its text), else why it is not one. */
function asBase(doc: unknown): StoredBase | string {
  if (!isRecord(doc) || doc.format !== 1 || !isRecord(doc.files)) return 'it is not a base this tool wrote (format: 1 with files)';
  const entries = Object.entries(doc.files);
  const odd = entries.find(([path, value]) => typeof value !== 'string' || !isContainedPath(path));
  if (odd) return `files.${odd[0]} is not a path and its text`;
  return { toolVersion: typeof doc.toolVersion === 'string' ? doc.toolVersion : undefined, files: new Map(entries as [string, string][]) };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Stored state the merge depends on: refused by name, never turned into whole-file conflicts. */
const damaged = (why: string) =>
  inputError(`${BASE_FILE} is damaged: ${why}: restore it with \`git checkout -- ${BASE_FILE}\` (or delete it to treat every file as yours), then re-run`);

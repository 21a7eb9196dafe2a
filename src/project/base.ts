import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
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

/** The recorded base, or an empty one for a repository generated before bases were recorded. */
export async function readBase(dir: string): Promise<StoredBase> {
  let text: string;
  try {
    text = await readFile(join(dir, BASE_FILE), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { files: new Map() };
    throw damaged(`cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
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
  const entries = Object.entries(doc.files);
  const odd = entries.find(([path, value]) => typeof value !== 'string' || !isContainedPath(path));
  if (odd) throw damaged(`files.${odd[0]} is not a path and its text`);
  return { toolVersion: typeof doc.toolVersion === 'string' ? doc.toolVersion : undefined, files: new Map(entries as [string, string][]) };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Stored state the merge depends on: refused by name, never turned into whole-file conflicts. */
const damaged = (why: string) =>
  inputError(`${BASE_FILE} is damaged: ${why}: restore it with \`git checkout -- ${BASE_FILE}\` (or delete it to treat every file as yours), then re-run`);

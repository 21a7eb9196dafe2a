import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { FileTree } from '../render/index.js';

/**
 * The merge base of the next upgrade: the pristine text of every file generated last time,
 * committed in the repository itself so that an upgrade works in a fresh clone, offline, with
 * any later version of the tool (no old package or template version to fetch).
 */
export const BASE_FILE = '.piksel/base.yaml';

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
  } catch {
    return { files: new Map() };
  }
  const doc = parse(text) as Partial<BaseDocument> | null;
  return { toolVersion: doc?.toolVersion, files: new Map(Object.entries(doc?.files ?? {})) };
}

import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { readCacheFile, writeCacheFile } from '../cache-file.js';
import { survivesJson } from '../plain-data.js';

/**
 * Parse results of YAML files that parsed cleanly, remembered across runs by a hash of the file's
 * text: the plain value and starting line of each document. A hit is exactly what parsing the
 * same text gives (same library, same options), so it never hides a finding: a file with any
 * finding is never stored, and a changed file is a different key. The `yaml` Document a finding's
 * line needs is built again from the text only when a check asks for it (see yaml.ts).
 *
 * One file in the cache folder, a line per entry (`hash\tJSON`); an entry is decoded only when a
 * run looks it up, so entries of other repositories cost a string split. Deleting it is always safe.
 */

/** Bumped when what is stored or how a file is parsed changes: old files are never read. */
const FORMAT = 'yaml-parse-v1';
/** The most entries kept: those this run used first, then the newest of the rest. */
const MAX_ENTRIES = 8000;
/** The file is read by every run: an entry larger than this (a huge manifest) is not kept, nor more than MAX_CHARS in all. */
const MAX_ENTRY_CHARS = 256 * 1024;
const MAX_CHARS = 16 * 1024 * 1024;

/** One document of a file as stored: its position, first line and value (absent: an empty document). */
export interface CachedDoc {
  readonly index: number;
  readonly line: number;
  readonly value?: unknown;
}

/** What yaml.ts needs from a parse cache. */
export interface ParseCache {
  lookup(hash: string): CachedDoc[] | undefined;
  store(hash: string, docs: readonly CachedDoc[]): void;
}

export const hashText = (text: string) => createHash('sha256').update(text).digest('hex');

/** A parse cache in the user's cache folder; `load` once, `save` at the end of a run. */
export class FileParseCache implements ParseCache {
  private readonly file: string;
  private readonly stored = new Map<string, string>();
  private readonly used = new Set<string>();
  private readonly added = new Map<string, string>();

  private constructor(cacheDir: string) {
    this.file = join(cacheDir, `${FORMAT}.tsv`);
  }

  static async open(cacheDir: string, version: string): Promise<FileParseCache> {
    const cache = new FileParseCache(cacheDir);
    const text = readCacheFile(cache.file) ?? '';
    const lines = text.split('\n');
    // The first line names the tool build (see tool-identity.ts): the bundled `yaml` library may differ between builds.
    if (lines[0] === `${FORMAT}\t${version}`)
      for (let i = 1; i < lines.length; i++) {
        const tab = lines[i]!.indexOf('\t');
        if (tab === 64) cache.stored.set(lines[i]!.slice(0, 64), lines[i]!.slice(65));
      }
    cache.version = version;
    return cache;
  }

  private version = '';

  lookup(hash: string): CachedDoc[] | undefined {
    const json = this.added.get(hash) ?? this.stored.get(hash);
    if (json === undefined) return undefined;
    try {
      const docs = JSON.parse(json) as CachedDoc[];
      if (!Array.isArray(docs)) return undefined;
      this.used.add(hash);
      return docs;
    } catch {
      return undefined; // a torn line: parse afresh
    }
  }

  store(hash: string, docs: readonly CachedDoc[]): void {
    if (!docs.every((d) => d.value === undefined || survivesJson(d.value))) return;
    const json = JSON.stringify(docs);
    if (json.length <= MAX_ENTRY_CHARS) this.added.set(hash, json);
  }

  /** Writes the file again when this run added entries (to a temporary name, then renamed). */
  async save(): Promise<void> {
    if (this.added.size === 0) return;
    const entries = new Map<string, string>(this.added);
    for (const hash of this.used) if (!entries.has(hash)) entries.set(hash, this.stored.get(hash)!);
    // Newest entries are last in the file: keep from the end.
    for (const [hash, json] of [...this.stored].reverse()) {
      if (entries.size >= MAX_ENTRIES) break;
      if (!entries.has(hash)) entries.set(hash, json);
    }
    let chars = 0;
    const kept = [...entries].slice(0, MAX_ENTRIES).filter(([, json]) => (chars += json.length + 66) <= MAX_CHARS);
    const lines = kept.reverse().map(([hash, json]) => `${hash}\t${json}`);
    await writeCacheFile(this.file, `${FORMAT}\t${this.version}\n${lines.join('\n')}\n`);
  }
}

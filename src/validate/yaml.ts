import { isMap as isYamlMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
import { isMap, holdsSecret } from './objects.js';
import { hashText, type ParseCache } from './parse-cache.js';
import type { Finding, KubeObject, SourceDoc } from './types.js';

export interface ParsedFile {
  readonly file: string;
  readonly docs: readonly SourceDoc[];
  readonly findings: readonly Finding[];
}

const PARSE_OPTIONS = { uniqueKeys: false, prettyErrors: true } as const;

/**
 * Check 1: YAML syntax. Duplicate keys are errors, as Flux (and kustomize) reject them.
 * A document with an error contributes no data, so later checks do not report on a guess.
 * With a cache, a text that parsed cleanly before is not parsed again: its documents' values and
 * lines come from the cache, and the `yaml` Document (for a finding's line) is built from the text
 * only if a check asks for it.
 */
export function parseYamlFile(file: string, text: string, cache?: ParseCache, hash?: string): ParsedFile {
  const key = cache ? (hash ?? hashText(text)) : undefined;
  const hit = key === undefined ? undefined : cache!.lookup(key);
  if (hit) {
    const reparse = lazyParse(text);
    return { file, docs: hit.map((d) => cachedDoc(file, d.index, d.line, d.value, reparse)), findings: [] };
  }
  const parsed = parseFully(file, text);
  // A Secret's values never reach the cache folder (a decrypted `*.dec.yaml` beside the repository).
  if (key !== undefined && parsed.findings.length === 0 && !parsed.docs.some((d) => holdsSecret(d.value))) cache!.store(key, parsed.docs.map((d) => ({ index: d.index, line: d.line, ...(d.value === undefined ? {} : { value: d.value }) })));
  return parsed;
}

function parseFully(file: string, text: string): ParsedFile {
  const lineCounter = new LineCounter();
  const docs: SourceDoc[] = [];
  const findings: Finding[] = [];
  // `uniqueKeys: true` compares each key with every earlier key of its mapping (quadratic in the
  // keys of one mapping); duplicateKeyLines finds the same keys in one pass.
  const parsed = parseAllDocuments(text, { ...PARSE_OPTIONS, lineCounter });
  const all = Array.isArray(parsed) ? parsed : [parsed];
  all.forEach((doc, index) => {
    const duplicates = duplicateKeyLines(doc, lineCounter);
    for (const error of doc.errors)
      findings.push({
        severity: 'error',
        check: 'yaml',
        file,
        line: error.linePos?.[0]?.line,
        message: `YAML syntax error: ${firstLine(error.message)}`,
        hint: 'fix the YAML syntax (indentation, quoting, a missing ":" or "-") so the file parses',
      });
    for (const line of duplicates)
      findings.push({
        severity: 'error',
        check: 'yaml',
        file,
        line,
        message: 'duplicate key: Map keys must be unique',
        hint: 'remove or merge the repeated key: Flux and kustomize reject a mapping with the same key twice',
      });
    if (doc.errors.length > 0 || duplicates.length > 0) return;
    const start = doc.contents?.range?.[0] ?? doc.range[0];
    docs.push({ file, index, doc, lineCounter, value: doc.contents === null ? undefined : doc.toJS({ maxAliasCount: 1000 }), line: lineCounter.linePos(start).line });
  });
  return { file, docs, findings };
}

/** The file's Documents, parsed the first time one is asked for (the same parse as parseFully). */
function lazyParse(text: string): () => { docs: Document.Parsed[]; lineCounter: LineCounter } {
  let parsed: { docs: Document.Parsed[]; lineCounter: LineCounter } | undefined;
  return () => {
    if (!parsed) {
      const lineCounter = new LineCounter();
      const all = parseAllDocuments(text, { ...PARSE_OPTIONS, lineCounter });
      parsed = { docs: Array.isArray(all) ? all : [all], lineCounter };
    }
    return parsed;
  };
}

function cachedDoc(file: string, index: number, line: number, value: unknown, reparse: ReturnType<typeof lazyParse>): SourceDoc {
  return {
    file,
    index,
    line,
    value,
    get doc() {
      return reparse().docs[index]!;
    },
    get lineCounter() {
      return reparse().lineCounter;
    },
  };
}

/**
 * The line of every key that repeats an earlier scalar key of the same mapping, as the `yaml`
 * library's `uniqueKeys: true` finds them (same values, `===`), but with a Set per mapping: one
 * pass over the document.
 */
export function duplicateKeyLines(doc: Document.Parsed, lineCounter: LineCounter): number[] {
  const lines: number[] = [];
  const pending: unknown[] = [doc.contents];
  while (pending.length > 0) {
    const node = pending.pop();
    if (isYamlMap(node)) {
      const keys = new Set<unknown>();
      for (const pair of node.items) {
        const key = pair.key;
        if (isScalar(key) && !Number.isNaN(key.value)) {
          if (keys.has(key.value)) lines.push(lineCounter.linePos(key.range?.[0] ?? 0).line);
          else keys.add(key.value);
        }
        pending.push(key, pair.value);
      }
    } else if (isSeq(node)) for (const item of node.items) pending.push(item);
    else if (isPair(node)) pending.push(node.key, node.value);
  }
  return lines;
}

const firstLine = (message: string) => message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');

/** The documents of a file that look like Kubernetes objects (have an apiVersion or a kind). */
export const isObjectDoc = (d: SourceDoc): d is SourceDoc & { value: KubeObject } =>
  isMap(d.value) && (d.value.apiVersion !== undefined || d.value.kind !== undefined);

/**
 * The line of the deepest node of `path` that exists in the document (for a map entry, the line
 * of its key). A path into data that a patch added falls back to the nearest written ancestor.
 */
export function lineOfPath(source: SourceDoc, path: readonly (string | number)[]): number {
  let node: unknown = source.doc.contents;
  let line = source.line;
  for (const key of path) {
    if (isYamlMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(key));
      if (!pair) break;
      line = lineOfNode(source, pair.key as Node) ?? line;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number' && node.items[key] !== undefined) {
      node = node.items[key];
      line = lineOfNode(source, node as Node) ?? line;
    } else break;
  }
  return line;
}

const lineOfNode = (source: SourceDoc, node: Node | null | undefined) =>
  node?.range ? source.lineCounter.linePos(node.range[0]).line : undefined;

/** 1-based line of a character offset in a text. */
export function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** 1-based line of character offsets in a text, after one pass over it (each lookup a binary search). */
export function lineStarts(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  };
}

import { FAILSAFE_SCHEMA, loadAll, Type } from 'js-yaml';
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
  const quick = quickDocuments(text);
  if (!quick) return parseWithYaml(file, text);
  const reparse = lazyParse(text);
  return { file, docs: quick.map((d, index) => cachedDoc(file, index, d.line, d.value, reparse)), findings: [] };
}

/** A text read by yaml: every document, and a finding for each syntax error and duplicate key. */
export function parseWithYaml(file: string, text: string): ParsedFile {
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
    const line = lineCounter.linePos(start).line;
    let value: unknown;
    try {
      value = doc.contents === null ? undefined : doc.toJS({ maxAliasCount: 1000 });
    } catch (e) {
      // An alias to no anchor, or one that expands too far: yaml says so only when building the value.
      findings.push({ severity: 'error', check: 'yaml', file, line, message: `YAML error: ${firstLine((e as Error).message)}`, hint: 'define each anchor (&name) before its alias (*name), and keep aliases few' });
      return;
    }
    docs.push({ file, index, doc, lineCounter, value, line });
  });
  return { file, docs, findings };
}

/**
 * YAML 1.2's core schema as yaml resolves plain scalars (its core tags, tried in its order, built
 * the same way), for js-yaml: a value reads the same through either.
 */
const YAML_CORE = FAILSAFE_SCHEMA.extend({
  implicit: [
    scalarType('null', [[/^(?:~|[Nn]ull|NULL)?$/, () => null]]),
    scalarType('bool', [[/^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, (s) => s[0] === 't' || s[0] === 'T']]),
    scalarType('int', [
      [/^0o[0-7]+$/, (s) => parseInt(s.substring(2), 8)],
      [/^[-+]?[0-9]+$/, (s) => parseInt(s, 10)],
      [/^0x[0-9a-fA-F]+$/, (s) => parseInt(s.substring(2), 16)],
    ]),
    scalarType('float', [
      [/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/, (s) => (s.slice(-3).toLowerCase() === 'nan' ? Number.NaN : s[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY)],
      [/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/, parseFloat],
      [/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/, parseFloat],
    ]),
  ],
});

/** One js-yaml type per tag (it keeps one per tag), trying yaml's forms of it in yaml's order. */
function scalarType(name: string, forms: readonly (readonly [RegExp, (source: string) => unknown])[]): Type {
  const formOf = (source: unknown) => (typeof source === 'string' ? forms.find(([test]) => test.test(source)) : undefined);
  return new Type(`tag:yaml.org,2002:${name}`, { kind: 'scalar', resolve: (source: unknown) => formOf(source) !== undefined, construct: (source: string) => formOf(source)![1](source) });
}

/**
 * What js-yaml and yaml could read differently: tabs, anchors and aliases, tags, directives,
 * complex or null keys, merge keys, document end markers, empty sequence items, commented or not (and, found while reading, a quoted or
 * plain scalar over several lines). A text holding any of them (even in a quoted string: the
 * test is the text's) is read by yaml alone; comment lines and block scalars' content are text
 * to both (structureLines).
 */
const READ_BY_YAML_ALONE = /\t|(?:^|[\s[\]{},])[&*!]|^%|^[\s-]*\?(?:\s|$)|^[\s-]*(?:~|null|Null|NULL)?[ ]*:(?:\s|$)|<<|^\.\.\.(?:\s|$)|^---(?:\S|[ ]+[^\s#])|["']#|(?:^|\s)-(?:[ ]*|[ ]+#.*)$/m;

/**
 * The documents of a text and the line each starts on, read by js-yaml (about four times faster
 * than yaml on a first read, which is most of a new repository's check): only for a text that
 * yaml would read without an error, a duplicate key or an empty document to report, into the
 * same values. Undefined otherwise, and then yaml reads it (parseFully), finding what there is.
 */
function quickDocuments(text: string): { value: unknown; line: number }[] | undefined {
  const structure = structureLines(text);
  if (text.includes('\t') || READ_BY_YAML_ALONE.test(structure) || !blockIndentsAlign(structure)) return undefined;
  const lines: number[] = [];
  const open: { line: number; position: number }[] = [];
  let flowOverLines = false;
  try {
    const values = loadAll(text, null, {
      schema: YAML_CORE,
      listener(event, state) {
        if (event === 'open') {
          // The root node of each document opens where its content starts: the line yaml gives.
          if (open.length === 0) lines.push(state.line + 1);
          open.push({ line: state.line, position: state.position });
          return;
        }
        const node = open.pop()!;
        // A quoted or plain scalar over several lines: the parsers differ on how its lines must be indented.
        if (state.kind === 'scalar' && state.line > node.line && !/^\s*[|>]/.test(text.slice(node.position, node.position + 80))) flowOverLines = true;
      },
    });
    if (flowOverLines || values.length !== lines.length || values.some((v) => v === null || v === undefined || hasNullKey(v))) return undefined;
    return values.map((value, i) => ({ value, line: lines[i]! }));
  } catch {
    return undefined; // a syntax error, a duplicate key (js-yaml refuses both): yaml says where
  }
}

/**
 * The lines that can carry structure, without comment lines and the content of block scalars (a
 * shell script's `*` or `: >` there is text, not an alias or a key). A block scalar's content is
 * taken to be only the lines deeper than the node holding it, at or beyond the indentation of its
 * first line: the first line that is not ends it and is kept, as yaml may read it as structure.
 */
function structureLines(text: string): string {
  const kept: string[] = [];
  let holder: number | undefined; // in a block scalar: the column its content must be deeper than
  let content: number | undefined; // its content's indentation, from its first line
  for (const line of text.split('\n')) {
    const rest = line.trimStart();
    const indent = line.length - rest.length;
    if (holder !== undefined) {
      if (rest === '') continue;
      if (content === undefined && indent > holder) content = indent;
      if (content !== undefined && indent >= content) continue;
      holder = content = undefined;
    }
    if (rest.startsWith('#')) continue;
    kept.push(line);
    if (BLOCK_SCALAR.test(rest)) {
      // `- |` is held by its item (deeper than the dash); `key: |` and `- key: |` by the key's column.
      const dashes = /^(?:-[ ]+)*/.exec(rest)![0];
      holder = /^[|>]/.test(rest.slice(dashes.length)) ? indent + dashes.trimEnd().lastIndexOf('-') : indent + dashes.length;
    }
  }
  return kept.join('\n');
}

/** A line that starts a block scalar (`key: |`, `- >-`, `key: |2 # note`): the lines below it may be its text. */
const BLOCK_SCALAR = /(?:^|[:\s-])[|>][-+0-9]*(?:\s+#.*)?$/;

/**
 * Whether every line of the block structure (structureLines: no comments, no block scalars' text)
 * sits at the indentation of a level that encloses it (yaml refuses a line between two levels;
 * js-yaml lets some through), and no flow collection spans lines. A text this cannot tell about is false.
 */
function blockIndentsAlign(structure: string): boolean {
  const levels = [0];
  let opensLevel = true;
  for (const line of structure.split('\n')) {
    const indent = line.length - line.trimStart().length;
    const content = line.trim();
    if (content === '' || /^---(?:\s|$)/.test(line)) continue;
    while (indent < levels[levels.length - 1]!) levels.pop();
    if (indent > levels[levels.length - 1]!) {
      // Deeper than the level it follows: only right below a line that opens one (a key or an item).
      if (!opensLevel) return false;
      levels.push(indent);
    } else if (indent !== levels[levels.length - 1]) return false;
    opensLevel = /:(?:\s+(?:#.*)?)?$/.test(content) || /^-$/.test(content);
    // An item opens a level where its content starts ("- - a" opens two).
    for (let rest = content, column = indent, item = /^-(\s+)/.exec(rest); item; item = /^-(\s+)/.exec(rest)) {
      column += item[0].length;
      rest = rest.slice(item[0].length);
      levels.push(column);
    }
    if ((content.match(/[[{]/g)?.length ?? 0) !== (content.match(/[\]}]/g)?.length ?? 0)) return false;
  }
  return true;
}

/** Whether a key read as null anywhere: js-yaml names it "null", yaml "". */
function hasNullKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasNullKey);
  if (typeof value !== 'object' || value === null) return false;
  return Object.entries(value).some(([key, v]) => key === 'null' || hasNullKey(v));
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

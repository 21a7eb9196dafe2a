import { readFile } from 'node:fs/promises';
import { isScalar, parseDocument, visit, YAMLError } from 'yaml';
import type { z } from 'zod';
import { inputError } from '../errors.js';
import { answersSchema, type Answers } from './schema.js';
import { nearestName } from './suggest.js';
import { parseSetValue } from './text-values.js';

type Tree = Record<string, unknown>;
const isTree = (v: unknown): v is Tree => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads an answers file (YAML or JSON, JSON being YAML). Throws an input error naming the file. */
export async function readAnswersFile(path: string): Promise<Tree> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw inputError(`--answers ${path}: cannot read the file: check the path`);
  }
  return parseAnswersText(text, `--answers ${path}`);
}

/** Aliases beyond this are a "billion laughs" document, not answers. */
const MAX_ALIASES = 50;

/**
 * Answers as written in a file (`label` names it in errors): a YAML mapping, keys unique, aliases
 * few, and no key that JavaScript treats specially (`__proto__` would otherwise vanish unseen).
 */
export function parseAnswersText(text: string, label: string): Tree {
  let value: unknown;
  try {
    const doc = parseDocument(text, { uniqueKeys: true });
    const error = doc.errors[0];
    if (error) throw error;
    let special: string | undefined;
    visit(doc, {
      Pair(_, pair) {
        if (isScalar(pair.key) && typeof pair.key.value === 'string' && SPECIAL_KEYS.has(pair.key.value)) special = pair.key.value;
      },
    });
    if (special) throw inputError(`${label}: ${special}: unknown answer: remove it`);
    value = doc.toJS({ maxAliasCount: MAX_ALIASES }) ?? {};
  } catch (e) {
    if (e instanceof YAMLError) throw inputError(`${label}: not valid YAML or JSON: ${e.message.split('\n')[0]}`);
    if (e instanceof ReferenceError && /alias/i.test(e.message))
      throw inputError(`${label}: too many YAML aliases (more than ${MAX_ALIASES}): write the answers out instead of expanding aliases`);
    throw e;
  }
  if (!isTree(value)) throw inputError(`${label}: expected a mapping of answers at the top level`);
  return value;
}

/** Keys every JavaScript object already has: never answers. */
const SPECIAL_KEYS = new Set(['__proto__', 'constructor', 'prototype', ...Object.getOwnPropertyNames(Object.prototype)]);

/** Later trees win; lists are replaced, not merged (as in Helm values). */
export function mergeAnswers(...trees: Tree[]): Tree {
  const out: Tree = {};
  for (const tree of trees)
    for (const [key, value] of Object.entries(tree)) out[key] = isTree(value) && isTree(out[key]) ? mergeAnswers(out[key] as Tree, value) : value;
  return out;
}

/** Lists that `--set x.N.y=…` may index into before the user gave them; seeded as the defaults would be. */
const LIST_SEEDS: Record<string, () => unknown[]> = { clusters: () => [{ name: 'development' }] };

/** Applies `path=value` assignments (`--set gpu.enabled=false`, `--set clusters.0.domain=x`). */
export function applySets(raw: Tree, assignments: readonly string[]): Tree {
  const result = structuredClone(raw);
  for (const assignment of assignments) {
    const eq = assignment.indexOf('=');
    if (eq <= 0) throw inputError(`--set ${assignment}: expected key=value, e.g. --set slack.channel=ops`);
    const path = assignment.slice(0, eq).split('.');
    if (path.some((p) => p === ''))
      throw inputError(`--set ${assignment}: '${assignment.slice(0, eq)}' is not an answers path: use keys such as gpu.enabled or clusters.0.domain`);
    const special = path.find((p) => SPECIAL_KEYS.has(p));
    if (special) throw inputError(`--set ${assignment}: ${path.slice(0, path.indexOf(special) + 1).join('.')}: unknown answer: check its spelling`);
    let node: Tree | unknown[] = result;
    path.slice(0, -1).forEach((key, i) => {
      const nextIsIndex = /^\d+$/.test(path[i + 1]!);
      const container = node as Tree;
      if ((LIST_SEEDS[key] && i === 0) || Array.isArray(container[key]))
        if (!nextIsIndex)
          throw inputError(`--set ${assignment}: '${path[i + 1]}' is not a position in the list ${path.slice(0, i + 1).join('.')}: use 0, 1, … (e.g. ${path.slice(0, i + 1).join('.')}.0.${path.slice(i + 2).join('.') || 'name'})`);
      if (!Object.hasOwn(container, key) || container[key] === undefined || container[key] === null)
        container[key] = nextIsIndex ? (i === 0 && LIST_SEEDS[key] ? LIST_SEEDS[key]() : []) : {};
      if (typeof container[key] !== 'object')
        throw inputError(`--set ${assignment}: ${path.slice(0, i + 1).join('.')} is a single value, not a group of answers: set ${path.slice(0, i + 1).join('.')}=VALUE`);
      if (Array.isArray(container[key]) && nextIsIndex) {
        const list = container[key] as unknown[];
        const index = Number(path[i + 1]);
        if (index > list.length)
          throw inputError(`--set ${assignment}: ${path.slice(0, i + 1).join('.')} has ${list.length} item(s): use index ${list.length} to add one`);
      }
      node = container[key] as Tree;
      if (Array.isArray(node)) {
        // Step over the index on the next iteration by materialising the item.
        const index = Number(path[i + 1]);
        if (node[index] === undefined) node[index] = {};
      }
    });
    const last = path.at(-1)!;
    (node as Tree)[last] = parseSetValue(assignment.slice(eq + 1));
  }
  return result;
}

const pathOf = (path: readonly PropertyKey[]) => path.map(String).join('.') || '(answers)';

/** One line per problem, each naming the field and what would be valid. */
export const describeIssues = (error: z.ZodError, raw?: unknown): string[] => error.issues.map((issue) => describeIssue(issue, raw));

/** What the person gave at `path` (before any coercion), if anything. */
const givenAt = (raw: unknown, path: readonly PropertyKey[]): unknown =>
  path.reduce<unknown>((node, key) => (node !== null && typeof node === 'object' && Object.hasOwn(node, key) ? (node as Record<PropertyKey, unknown>)[key] : undefined), raw);

/** The line for one problem; prompts show the same words under the question. */
export function describeIssue(issue: z.ZodError['issues'][number], raw?: unknown): string {
  if (issue.code === 'unrecognized_keys') {
    const where = pathOf(issue.path);
    const known = keysAt(answersSchema, issue.path);
    const prefix = where === '(answers)' ? '' : `${where}.`;
    const near = issue.keys.length === 1 ? nearestName(issue.keys[0]!, known) : undefined;
    const hint = near ? `did you mean ${prefix}${near}?` : '';
    return `${issue.keys.map((k) => (where === '(answers)' ? k : `${where}.${k}`)).join(', ')}: unknown answer: ${hint || 'remove it or check its spelling'}`.trimEnd();
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) return `${pathOf(issue.path)}: is required`;
  if (issue.code === 'invalid_type')
    return `${pathOf(issue.path)}: expected ${TYPE_WORDS[issue.expected] ?? issue.expected}, got ${echo(givenAt(raw, issue.path) ?? issue.input)}`;
  // zod's own words for a choice ("Invalid option: expected one of …"); a schema's own message stays.
  if (issue.code === 'invalid_value' && issue.message.startsWith('Invalid option')) {
    const given = givenAt(raw, issue.path) ?? issue.input;
    return `${pathOf(issue.path)}: ${given === undefined ? '' : `${echo(given)} is not valid: `}use one of ${issue.values.map(String).join(', ')}`;
  }
  // A bad key of a map (node labels): the inner issue has the useful words.
  if (issue.code === 'invalid_key' && issue.issues[0]) return `${pathOf(issue.path)}: ${issue.issues[0].message}`;
  return `${pathOf(issue.path)}: ${issue.message}`.replace(/\r?\n/g, '\\n'); // one line, even for a value with a newline
}

/** How a person would name the type a value should have. */
const TYPE_WORDS: Record<string, string> = {
  boolean: 'true or false',
  number: 'a number',
  int: 'a whole number',
  string: 'text',
  array: 'a list',
  object: 'a group of answers',
  record: 'key: value pairs',
};

/** The value as given, short, as YAML would show it. */
const echo = (value: unknown) => {
  const text = typeof value === 'string' ? `'${value}'` : JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
};

/** The answer names the schema knows at `path` (for "did you mean"). */
function keysAt(schema: unknown, path: readonly PropertyKey[]): string[] {
  let node = unwrap(schema);
  for (const key of path) {
    const def = node?._zod?.def;
    if (def?.type === 'array') node = unwrap(def.element);
    else if (def?.shape) node = unwrap(def.shape[String(key)]);
    else return [];
  }
  return Object.keys(node?._zod?.def?.shape ?? {});
}

type SchemaNode = { _zod?: { def?: { type?: string; element?: unknown; shape?: Record<string, unknown>; innerType?: unknown; in?: unknown } } } | undefined;
function unwrap(schema: unknown): SchemaNode {
  let node = schema as SchemaNode;
  for (let i = 0; i < 10 && node?._zod?.def; i++) {
    const def = node._zod.def;
    const inner = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
    if (!inner) break;
    node = inner as SchemaNode;
  }
  return node;
}

/** Validates raw answers; defaults fill what is left out. Throws an input error (exit 2). */
export function parseAnswers(raw: unknown): Answers {
  const result = answersSchema.safeParse(raw, { reportInput: true });
  if (result.success) return result.data;
  const lines = describeIssues(result.error, raw);
  throw inputError(`invalid answers: ${lines[0]}`, lines.slice(1));
}

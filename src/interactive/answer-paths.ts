import { describeIssue } from '../answers/load.js';
import { answersSchema } from '../answers/schema.js';

/** Raw answers as the answers file holds them, addressed by dotted paths (`clusters.0.domain`). */
export type Raw = Record<string, unknown>;

export { getAt } from '../answers/required.js';

/** A copy of `tree` with `value` at `path`; numeric keys index lists. */
export function setAt(tree: Raw, path: string, value: unknown): Raw {
  const result = structuredClone(tree);
  const keys = path.split('.');
  let node: Raw = result;
  keys.slice(0, -1).forEach((key, i) => {
    if (node[key] === undefined || node[key] === null) node[key] = /^\d+$/.test(keys[i + 1]!) ? [] : {};
    node = node[key] as Raw;
  });
  node[keys.at(-1)!] = value;
  return result;
}

/** What the answers would be with defaults filled in, or undefined while something is invalid. */
export function completed(raw: Raw): ReturnType<typeof answersSchema.parse> | undefined {
  const result = answersSchema.safeParse(raw);
  return result.success ? result.data : undefined;
}

/**
 * The error the answers file or `--set` would give for this one answer, in the same words, without
 * the path prefix (the question already names it). Undefined when the value is valid.
 */
export function answerError(raw: Raw, path: string, value: unknown): string | undefined {
  const result = answersSchema.safeParse(setAt(raw, path, value));
  if (result.success) return undefined;
  const own = result.error.issues.find((issue) => issue.path.map(String).join('.') === path);
  return own && describeIssue(own).slice(path.length + 2);
}

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
  // The question's own field, or a field inside it (a list of objects answered in one text).
  const own = result.error.issues.find((issue) => {
    const at = issue.path.map(String).join('.');
    return at === path || at.startsWith(`${path}.`);
  });
  if (!own) return undefined;
  const message = describeIssue(own);
  return message.startsWith(`${path}: `) ? message.slice(path.length + 2) : message;
}

import { parse } from 'yaml';
import type { Toleration } from './fields.js';

/**
 * One-line text forms of answers: what a prompt or `--set` types (scalars, node labels, tolerations).
 * Reading throws a message a person can act on; the schema then checks the values themselves.
 */
const items = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** `key=value, key2=value2` → { key: value, key2: value2 } */
export function readLabels(text: string): Record<string, string> {
  return Object.fromEntries(
    items(text).map((item) => {
      const eq = item.indexOf('=');
      if (eq <= 0) throw new Error(`'${item}' is not key=value: write labels as key=value, separated by commas`);
      return [item.slice(0, eq).trim(), item.slice(eq + 1).trim()];
    }),
  );
}

export const formatLabels = (value: unknown): string =>
  Object.entries((value ?? {}) as Record<string, string>)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');

/** `key[=value][:Effect]`, comma-separated: `nvidia.com/gpu:NoSchedule, dedicated=gpu:NoExecute` */
export function readTolerations(text: string): Partial<Toleration>[] {
  return items(text).map((item) => {
    const [taint, effect, extra] = item.split(':').map((s) => s.trim());
    if (extra !== undefined || !taint) throw new Error(`'${item}' is not key[=value][:Effect]: e.g. nvidia.com/gpu:NoSchedule`);
    const eq = taint.indexOf('=');
    const key = eq < 0 ? taint : taint.slice(0, eq);
    const toleration: Record<string, string> = eq < 0 ? { key, operator: 'Exists' } : { key, operator: 'Equal', value: taint.slice(eq + 1) };
    if (effect) toleration.effect = effect;
    return toleration as Partial<Toleration>;
  });
}

export const formatTolerations = (value: unknown): string =>
  ((value ?? []) as Toleration[])
    .map((t) => `${t.key}${t.operator === 'Equal' && t.value !== undefined ? `=${t.value}` : ''}${t.effect ? `:${t.effect}` : ''}`)
    .join(', ');

/** `--set` values are YAML scalars (or flow lists/maps): false → boolean, 5432 → number, [a,b] → list. */
export function parseSetValue(text: string): unknown {
  if (text.trim() === '') return '';
  try {
    const value = parse(text);
    // '#ops' parses as a comment; a person meant the text.
    return value === null && !/^(null|~)$/i.test(text.trim()) ? text : value;
  } catch {
    return text;
  }
}

/** A number typed at a prompt is stored as a number, as `--set database.port=5432` stores it. */
export const readNumber = (text: string): unknown => parseSetValue(text.trim());

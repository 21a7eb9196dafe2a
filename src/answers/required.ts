import { answersSchema } from './schema.js';

/**
 * Answers whose defaults are placeholders a real platform cannot run with (example.org names).
 * Without a terminal to ask and without --yes, leaving one out is an error that names it.
 */
type Tree = Record<string, unknown>;

const get = (tree: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Tree)[key] : undefined), tree);

export function missingRequiredAnswers(raw: Tree): string[] {
  const required = ['repository.owner', 'clusters.0.domain', 'certManager.email', 'database.host'];
  if (get(raw, 'repository.provider') === 'git') required.push('repository.url');
  return required.filter((path) => get(raw, path) === undefined);
}

/**
 * Answers this version asks that a stored answers file does not have yet: the leaf paths of the
 * defaults that are absent from what was stored (lists count as one answer).
 */
export function newAnswers(raw: Tree): string[] {
  const missing: string[] = [];
  const walk = (defaults: unknown, have: unknown, path: string) => {
    if (defaults && typeof defaults === 'object' && !Array.isArray(defaults)) {
      for (const [key, value] of Object.entries(defaults as Tree)) {
        const child = have && typeof have === 'object' && !Array.isArray(have) ? (have as Tree)[key] : undefined;
        if (child === undefined) missing.push(path ? `${path}.${key}` : key);
        else walk(value, child, path ? `${path}.${key}` : key);
      }
    }
  };
  walk(answersSchema.parse({}), raw, '');
  return missing;
}

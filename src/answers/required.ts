import { answersSchema } from './schema.js';

/**
 * Answers whose defaults are placeholders a real platform cannot run with (example.org names).
 * Without a terminal to ask and without --yes, leaving one out is an error that names it.
 */
type Tree = Record<string, unknown>;

/** The value at a dotted answers path (`clusters.0.domain`); numeric keys index lists. */
export const getAt = (tree: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Tree)[key] : undefined), tree);

export function missingRequiredAnswers(raw: Tree): string[] {
  const required = ['clusters.0.domain', 'certManager.email', 'database.host'];
  // A plain git server is reached by its URL; the owner names an account on the hosted services.
  required.unshift(getAt(raw, 'repository.provider') === 'git' ? 'repository.url' : 'repository.owner');
  return required.filter((path) => getAt(raw, path) === undefined);
}

/**
 * Answers a re-run must still get: the leaf paths of this version's defaults that are absent from
 * what was stored (lists count as one answer), and the domain of each cluster being added (its
 * default is a placeholder under the first cluster's domain).
 */
export function newAnswers(raw: Tree): string[] {
  const clusters = Array.isArray(raw.clusters) ? (raw.clusters as unknown[]) : [];
  const missing: string[] = clusters.flatMap((c, i) => (getAt(c, 'domain') === undefined ? [`clusters.${i}.domain`] : []));
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

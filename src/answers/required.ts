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

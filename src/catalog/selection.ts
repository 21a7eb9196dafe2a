import type { Answers, ClusterAnswers } from '../answers/schema.js';
import { CATALOG, componentNamed } from './index.js';
import type { ComponentSpec, SecretRequirement } from './component.js';
import { edgeComponents, edgeNotes } from './ingress.js';

export interface Selection {
  /** Selected components in catalog order. */
  readonly components: readonly ComponentSpec[];
  readonly names: ReadonlySet<string>;
  /** Why something was added that the answers did not list, e.g. "jupyterdask needs jupyterhub". */
  readonly notes: readonly string[];
}

/**
 * Which components the repository gets: the listed ones, with toggles (GPU, Slack) taking
 * precedence, closed over `needs` so that nothing is deployed without what it depends on.
 */
export function selectComponents(answers: Answers): Selection {
  const listed = new Set<string>([...answers.components.controllers, ...answers.components.apps]);
  const names = new Set(CATALOG.filter((c) => (c.toggle ? c.toggle(answers, listed) : listed.has(c.name))).map((c) => c.name));
  // The edge follows each cluster's ingress.controller, for whatever is served over HTTPS.
  for (const edge of edgeComponents(answers, CATALOG.filter((c) => names.has(c.name)))) names.add(edge);
  const notes: string[] = [];
  const queue = [...names];
  while (queue.length > 0) {
    const spec = componentNamed(queue.shift()!);
    for (const need of spec.needs) {
      if (names.has(need)) continue;
      names.add(need);
      queue.push(need);
      notes.push(`${spec.name} needs ${need}: added ${need}`);
    }
  }
  notes.push(...edgeNotes(answers));
  return { components: CATALOG.filter((c) => names.has(c.name)), names, notes };
}

/**
 * Every Secret the selected components need, once per namespace/name: what the READMEs list and
 * what bootstrap and `secrets` create. Computed from the catalog alone, no templates.
 */
export function secretInventory(answers: Answers, selection: Selection = selectComponents(answers), cluster?: ClusterAnswers): SecretRequirement[] {
  // With a cluster: its values (the database role names carry its prefix on a shared server).
  const ctx = { answers, selected: selection.names, components: selection.components, ...(cluster ? { cluster } : {}) };
  const seen = new Map<string, SecretRequirement>();
  for (const secret of selection.components.flatMap((c) => c.secrets(ctx))) seen.set(`${secret.namespace}/${secret.name}`, secret);
  return [...seen.values()];
}

import type { Answers } from '../answers/schema.js';
import type { SecretRequirement } from '../catalog/component.js';
import { selectComponents } from '../catalog/selection.js';

/**
 * Every Secret the selected components need, once per namespace/name (the same list
 * `renderRepository` puts in the READMEs): computed from the catalog alone, no templates.
 */
export function secretInventory(answers: Answers): SecretRequirement[] {
  const selection = selectComponents(answers);
  const ctx = { answers, selected: selection.names, components: selection.components };
  const seen = new Map<string, SecretRequirement>();
  for (const secret of selection.components.flatMap((c) => c.secrets(ctx))) seen.set(secretId(secret), secret);
  return [...seen.values()];
}

/** `namespace/name`: how a Secret is named in every message and report. */
export const secretId = (s: Pick<SecretRequirement, 'name' | 'namespace'>): string => `${s.namespace}/${s.name}`;

/** Secrets that must hold the same values share a group; a Secret without one is its own group. */
export const groupKey = (s: SecretRequirement): string => s.group ?? secretId(s);

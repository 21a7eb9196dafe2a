import type { SecretRequirement } from '../catalog/component.js';

export { secretInventory } from '../catalog/selection.js';

/** `namespace/name`: how a Secret is named in every message and report. */
export const secretId = (s: Pick<SecretRequirement, 'name' | 'namespace'>): string => `${s.namespace}/${s.name}`;

/** Secrets that must hold the same values share a group; a Secret without one is its own group. */
export const groupKey = (s: SecretRequirement): string => s.group ?? secretId(s);

import type { RotationStep, SecretRequirement } from '../catalog/component.js';
import { inputError } from '../errors.js';
import { groupKey, secretId } from './inventory.js';

/**
 * What happens to each group of Secrets, decided from the inventory, which Secrets exist and
 * what was asked to rotate. Pure: no cluster, no values.
 * - create: generated, none exists → new random values for every member
 * - copy: generated, some exist → the missing members get the existing member's values
 * - keep: everything exists, nothing to do (never rotated silently)
 * - rotate: asked for with --rotate → new values for every member, then the afterRotate steps once
 * - provide: an outside fact, missing → from its env variables or a hidden prompt, else `missing`
 * - missing: an outside fact nobody gave, or the operator's to create → listed with a command
 * - chart: a chart creates it; only listed
 */
export type GroupAction = 'create' | 'copy' | 'keep' | 'rotate' | 'provide' | 'missing' | 'chart';

export interface GroupPlan {
  readonly key: string;
  readonly action: GroupAction;
  readonly members: readonly SecretRequirement[];
  /** Which members exist now (chart-made Secrets are not looked up). */
  readonly existing: readonly SecretRequirement[];
  /** Once per group, without duplicates. */
  readonly afterRotate: readonly RotationStep[];
}

/** `--rotate NAME` matches a Secret name, `namespace/name` or a group; `all` every group with values we own. */
export function rotationTargets(inventory: readonly SecretRequirement[], rotate: readonly string[]): Set<string> {
  const groups = new Set<string>();
  for (const wanted of rotate) {
    const matches = inventory.filter(
      (s) => s.source.kind !== 'chart' && (wanted === 'all' ? s.source.kind === 'generated' : [s.name, secretId(s), s.group].includes(wanted)),
    );
    if (wanted !== 'all' && matches.length === 0) {
      const names = [...new Set(inventory.filter((s) => s.source.kind !== 'chart').map((s) => s.name))].sort();
      throw inputError(`--rotate ${wanted}: no such Secret in this repository: use one of ${names.join(', ')}, or all`);
    }
    for (const s of matches) groups.add(groupKey(s));
  }
  return groups;
}

export function groupsOf(inventory: readonly SecretRequirement[]): Map<string, SecretRequirement[]> {
  const groups = new Map<string, SecretRequirement[]>();
  for (const s of inventory) groups.set(groupKey(s), [...(groups.get(groupKey(s)) ?? []), s]);
  return groups;
}

export const isOperatorSecret = (s: SecretRequirement): boolean =>
  s.createdBy === 'operator' || (s.source.kind === 'external' && Object.keys(s.source.env).length === 0);

export function planGroups(inventory: readonly SecretRequirement[], exists: (s: SecretRequirement) => boolean, rotate: ReadonlySet<string>): GroupPlan[] {
  return [...groupsOf(inventory)].map(([key, members]) => {
    const first = members[0]!;
    const existing = first.source.kind === 'chart' ? [] : members.filter(exists);
    const afterRotate = dedupeSteps(members.flatMap((m) => m.afterRotate ?? []));
    const plan = (action: GroupAction): GroupPlan => ({ key, action, members, existing, afterRotate });
    if (first.source.kind === 'chart') return plan('chart');
    if (isOperatorSecret(first)) {
      if (rotate.has(key)) throw inputError(`--rotate ${first.name}: the operator creates this Secret, not this tool: replace it with kubectl`);
      return plan(existing.length === members.length ? 'keep' : 'missing');
    }
    if (rotate.has(key)) return plan('rotate');
    if (existing.length === members.length) return plan('keep');
    if (first.source.kind === 'external') return plan('provide');
    return plan(existing.length === 0 ? 'create' : 'copy');
  });
}

function dedupeSteps(steps: readonly RotationStep[]): RotationStep[] {
  const seen = new Map<string, RotationStep>();
  for (const step of steps) seen.set(JSON.stringify(step), step);
  return [...seen.values()];
}

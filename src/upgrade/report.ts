import { createTwoFilesPatch } from 'diff';
import type { Outcome, PlannedFile, UpgradePlan } from './plan.js';

const LABEL: Record<Outcome, string> = {
  unchanged: 'unchanged',
  updated: 'updated (you had not touched it)',
  kept: 'kept (only you changed it)',
  merged: 'merged (your edits and the template’s)',
  conflict: 'CONFLICT (both changed the same lines)',
  new: 'new',
  removed: 'removed (no longer generated, unmodified)',
  'orphan-kept': 'kept, no longer generated (you modified it)',
  'deleted-kept': 'left deleted (you deleted it; --restore-deleted brings it back)',
};

const SYMBOL: Record<Outcome, string> = {
  unchanged: ' ',
  updated: 'U',
  kept: 'K',
  merged: 'M',
  conflict: 'C',
  new: 'A',
  removed: 'D',
  'orphan-kept': 'O',
  'deleted-kept': 'X',
};

export const changes = (plan: UpgradePlan) => plan.files.filter((f) => f.outcome !== 'unchanged');

/** Outcomes that leave the file as it is: yours kept, or left deleted. An apply writes nothing for them. */
const LEFT_AS_IS: ReadonlySet<Outcome> = new Set(['unchanged', 'kept', 'orphan-kept', 'deleted-kept']);

/** The files an apply would write or delete (the merge base aside). */
export const writtenChanges = (plan: UpgradePlan) => plan.files.filter((f) => !LEFT_AS_IS.has(f.outcome));

/** "already up to date: nothing changed", and the hand edits it leaves as they are, if any. */
export function upToDateLine(plan: UpgradePlan, verb: 'changed' | 'would change'): string {
  const kept = changes(plan).length;
  const edits = kept === 0 ? '' : ` (${kept} file${kept === 1 ? '' : 's'} you edited ${kept === 1 ? 'is' : 'are'} kept as ${kept === 1 ? 'it is' : 'they are'})`;
  return `already up to date: nothing ${verb}${edits}`;
}

export function countOutcomes(plan: UpgradePlan): Partial<Record<Outcome, number>> {
  const counts: Partial<Record<Outcome, number>> = {};
  for (const f of plan.files) counts[f.outcome] = (counts[f.outcome] ?? 0) + 1;
  return counts;
}

/** One line per path that is not unchanged, e.g. `M apps/base/argo/release.yaml  merged (…)`. */
export function planLines(plan: UpgradePlan): string[] {
  const rows = changes(plan).map((f) => `${SYMBOL[f.outcome]} ${f.path}  ${LABEL[f.outcome]}${f.conflicts ? `, ${f.conflicts} conflict(s)` : ''}`);
  const counts = countOutcomes(plan);
  const summary = Object.entries(counts)
    .map(([outcome, n]) => `${n} ${outcome}`)
    .join(', ');
  return [...rows, `${summary}; ${plan.userOwned} file(s) of yours untouched`];
}

/** Unified diff of what the apply would change on disk. */
export function fileDiff(file: PlannedFile): string {
  const after = file.outcome === 'removed' ? '' : (file.text ?? file.before ?? '');
  return createTwoFilesPatch(`a/${file.path}`, `b/${file.path}`, file.before ?? '', after, undefined, undefined, { context: 3 });
}

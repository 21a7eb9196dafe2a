import type { FileTree } from '../project/files.js';
import { mergeThreeWay, type MergeLabels } from './merge.js';

/**
 * What an upgrade does to one path. Decided per file from three texts: what was generated last
 * time (base), what is on disk (yours), what the templates render now (new).
 */
export type Outcome =
  | 'unchanged' //     nothing to do
  | 'updated' //       only the template changed: take the new text
  | 'kept' //          only you changed it: keep yours
  | 'merged' //        both changed, merged cleanly
  | 'conflict' //      both changed the same lines: written with conflict markers
  | 'new' //           generated for the first time
  | 'removed' //       no longer generated, unmodified: deleted
  | 'orphan-kept' //   no longer generated but modified by you: kept, no longer managed
  | 'deleted-kept'; // generated, but you deleted it: stays deleted (restore with --restore-deleted)

export interface PlannedFile {
  readonly path: string;
  readonly outcome: Outcome;
  /** The text to write, for outcomes that write (updated, merged, conflict, new). */
  readonly text?: string;
  readonly conflicts?: number;
  /** What is on disk now (absent: no file), for diffs. */
  readonly before?: string;
}

export interface UpgradePlan {
  readonly files: readonly PlannedFile[];
  /** Files on disk the tool never generated: never touched, counted for the report. */
  readonly userOwned: number;
}

export interface PlanInput {
  readonly base: ReadonlyMap<string, string>;
  readonly disk: ReadonlyMap<string, string>;
  readonly next: FileTree;
  readonly labels: MergeLabels;
  readonly restoreDeleted?: boolean;
  /** Paths that are always rewritten from the answers (the answers file itself). */
  readonly alwaysRewrite?: ReadonlySet<string>;
}

/** Pure: classifies every path that was or will be generated. */
export function planUpgrade({ base, disk, next, labels, restoreDeleted = false, alwaysRewrite = new Set() }: PlanInput): UpgradePlan {
  const paths = [...new Set([...base.keys(), ...next.keys()])].sort();
  const files = paths.map((path) => planFile(path, base.get(path), disk.get(path), next.get(path), labels, restoreDeleted, alwaysRewrite.has(path)));
  const userOwned = [...disk.keys()].filter((p) => !base.has(p) && !next.has(p)).length;
  return { files, userOwned };
}

function planFile(
  path: string,
  base: string | undefined,
  yours: string | undefined,
  next: string | undefined,
  labels: MergeLabels,
  restoreDeleted: boolean,
  alwaysRewrite: boolean,
): PlannedFile {
  const before = yours;
  if (next === undefined) {
    if (yours === undefined) return { path, outcome: 'unchanged' };
    return yours === base ? { path, outcome: 'removed', before } : { path, outcome: 'orphan-kept', before };
  }
  if (yours === next) return { path, outcome: 'unchanged', before };
  if (alwaysRewrite) return { path, outcome: yours === undefined ? 'new' : 'updated', text: next, before };
  if (yours === undefined) {
    if (base === undefined || restoreDeleted) return { path, outcome: 'new', text: next };
    return { path, outcome: 'deleted-kept' };
  }
  if (yours === base) return { path, outcome: 'updated', text: next, before };
  if (next === base) return { path, outcome: 'kept', before };
  const merged = mergeThreeWay(base ?? '', yours, next, labels);
  return merged.conflicts === 0
    ? { path, outcome: 'merged', text: merged.text, before }
    : { path, outcome: 'conflict', text: merged.text, conflicts: merged.conflicts, before };
}

/** The paths an apply writes and deletes. */
export function planWrites(plan: UpgradePlan): { writes: Map<string, string>; deletes: string[] } {
  const writes = new Map<string, string>();
  const deletes: string[] = [];
  for (const file of plan.files) {
    if (file.text !== undefined) writes.set(file.path, file.text);
    if (file.outcome === 'removed') deletes.push(file.path);
  }
  return { writes, deletes };
}

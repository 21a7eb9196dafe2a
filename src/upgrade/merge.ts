import { diff3Merge } from 'node-diff3';

export interface MergeLabels {
  readonly yours: string;
  readonly base: string;
  readonly theirs: string;
}

export interface MergeResult {
  readonly text: string;
  readonly conflicts: number;
}

const splitLines = (text: string) => (text === '' ? [] : text.replace(/\n$/, '').split('\n'));

/**
 * Line-based three-way merge of the user's file (yours) and the new render (theirs) against what
 * was generated last time (base). Clean hunks are taken from whichever side changed; hunks both
 * sides changed differently become standard diff3-style conflict blocks, so editors and
 * `git diff` recognise them.
 */
export function mergeThreeWay(base: string, yours: string, theirs: string, labels: MergeLabels): MergeResult {
  const regions = diff3Merge(splitLines(yours), splitLines(base), splitLines(theirs), { excludeFalseConflicts: true });
  const lines: string[] = [];
  let conflicts = 0;
  for (const region of regions) {
    if (region.ok) {
      lines.push(...region.ok);
      continue;
    }
    const { a, o, b } = region.conflict!;
    conflicts += 1;
    lines.push(`<<<<<<< ${labels.yours}`, ...a, `||||||| ${labels.base}`, ...o, '=======', ...b, `>>>>>>> ${labels.theirs}`);
  }
  const endsWithNewline = yours.endsWith('\n') || theirs.endsWith('\n') || (yours === '' && theirs === '');
  const text = lines.join('\n') + (lines.length > 0 && endsWithNewline ? '\n' : '');
  return { text, conflicts };
}

export const CONFLICT_MARKER = /^(<{7}|>{7}|={7}|\|{7})( |$)/m;

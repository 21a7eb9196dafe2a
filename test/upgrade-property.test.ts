import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAnswers } from '../src/answers/load.js';
import type { FileTree } from '../src/project/files.js';
import { renderRepository } from '../src/render/index.js';
import { loadTemplates } from '../src/render/templates.js';
import { planUpgrade } from '../src/upgrade/plan.js';
import { bundledTemplates } from './support/render.js';
import { patchedTemplates, V2_EDITS } from './support/templates.js';

const LABELS = { yours: 'yours', base: 'base', theirs: 'theirs' };

let v1: FileTree;
let v2: FileTree;
beforeAll(async () => {
  const answers = parseAnswers({});
  v1 = renderRepository({ answers, templates: await bundledTemplates(), toolVersion: '1' }).files;
  v2 = renderRepository({ answers, templates: await loadTemplates(await patchedTemplates(V2_EDITS)), toolVersion: '2' }).files;
});

/** A user's edit of one file: lines inserted at positions, plus some existing lines rewritten or dropped. */
const editArbitrary = fc.record({
  fileIndex: fc.nat(),
  /** Half the edits land in files the new templates change, where merges and conflicts happen. */
  inChangedFile: fc.boolean(),
  inserts: fc.array(fc.record({ at: fc.nat(), text: fc.stringMatching(/^[a-z][a-z0-9 ]{0,20}$/) }), { minLength: 1, maxLength: 6 }),
  rewrites: fc.array(fc.record({ at: fc.nat(), drop: fc.boolean() }), { maxLength: 3 }),
});

describe('upgrade keeps what the user added (property)', () => {
  it('every added line is in the result or inside a conflict block', () => {
    const paths = [...v1.keys()].filter((p) => p.endsWith('.yaml') || p.endsWith('.md'));
    const changedPaths = paths.filter((p) => v1.get(p) !== v2.get(p));
    expect(changedPaths.length).toBeGreaterThan(0);
    fc.assert(
      fc.property(fc.array(editArbitrary, { minLength: 1, maxLength: 4 }), (edits) => {
        const disk = new Map(v1);
        const added = new Map<string, string[]>();
        edits.forEach((edit, n) => {
          const pool = edit.inChangedFile ? changedPaths : paths;
          const path = pool[edit.fileIndex % pool.length]!;
          const lines = disk.get(path)!.replace(/\n$/, '').split('\n');
          for (const r of edit.rewrites) {
            const generated = lines.flatMap((l, i) => (l.startsWith('# user ') ? [] : [i]));
            if (generated.length === 0) continue;
            const i = generated[r.at % generated.length]!;
            if (r.drop) lines.splice(i, 1);
            else lines[i] = `${lines[i]} # changed`;
          }
          for (const [k, insert] of edit.inserts.entries()) {
            const line = `# user ${n}.${k}: ${insert.text}`;
            lines.splice(insert.at % (lines.length + 1), 0, line);
            added.set(path, [...(added.get(path) ?? []), line]);
          }
          disk.set(path, `${lines.join('\n')}\n`);
        });
        const plan = planUpgrade({ base: v1, disk, next: v2, labels: LABELS });
        for (const [path, lines] of added) {
          const file = plan.files.find((f) => f.path === path)!;
          const result = file.text ?? disk.get(path)!;
          for (const line of lines) expect(result.split('\n'), `${path}: ${file.outcome}`).toContain(line);
        }
        // Files the user did not touch end up exactly as the new templates render them.
        for (const file of plan.files) {
          if (added.has(file.path)) continue;
          const result = file.text ?? disk.get(file.path);
          if (disk.get(file.path) === v1.get(file.path)) expect(result, file.path).toBe(v2.get(file.path));
        }
      }),
      { numRuns: 300 },
    );
  });
});

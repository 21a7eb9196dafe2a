import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../src/cli/args.js';
import { createCommand, type CreateDeps } from '../../src/commands/create.js';
import { runProcess } from '../../src/process.js';
import type { Reporter } from '../../src/reporter.js';
import { formatReport, validateRepository, type ValidationReport } from '../../src/validate/index.js';
import { countingRunner } from '../support/kubectl.js';

// Issue 15: what the check before a write does, counted (never timed). Entered at the command, so
// the staged tree travels as create and upgrade hand it to the validator.

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'piksel-perf-test-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const quiet: Reporter = { info() {}, detail() {}, success() {}, warn() {} };

/** Command dependencies whose pre-write check is the validator with a cache folder, each report kept. */
function depsWithCache(cacheDir: string) {
  const reports: ValidationReport[] = [];
  /** The files each check found on disk when it ended (a staged tree written on demand holds only what was read), and the tree's size. */
  const onDisk: string[][] = [];
  const treeSizes: number[] = [];
  const runner = countingRunner();
  const deps: CreateDeps = {
    run: runProcess,
    reporter: quiet,
    checkStaged: async (dir, written, _signal, writeOnDemand) => {
      const report = await validateRepository(dir, { runner, cacheDir, written, writeOnDemand });
      reports.push(report);
      treeSizes.push(written?.size ?? 0);
      onDisk.push((await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name))));
      if (!report.ok) throw new Error(formatReport(report));
    },
  };
  return { deps, reports, runner, onDisk, treeSizes };
}

const clusters = (names: readonly string[]) => ({ clusters: names.map((name) => ({ name })) });

describe('the pre-write check of a fleet re-run', () => {
  it('checks the added cluster, reuses the unchanged ones, and reports as a full check does', async () => {
    const cacheDir = join(work, 'cache');
    const dir = join(work, 'fleet');
    const answers = join(work, 'answers.json');
    await writeFile(answers, JSON.stringify(clusters(['east', 'west'])));
    const first = depsWithCache(cacheDir);
    await createCommand(parseCliArgs([dir, '--yes', '--no-git', '--answers', answers]), first.deps);
    expect(first.reports).toHaveLength(1);
    expect(first.reports[0]!.stats).toMatchObject({ reusedClusters: 0 });

    // The same repository generated again elsewhere: same content, every check reused, nothing built.
    const again = depsWithCache(cacheDir);
    await createCommand(parseCliArgs([join(work, 'copy'), '--yes', '--no-git', '--answers', answers]), again.deps);
    expect(again.reports[0]!.stats).toMatchObject({ reusedClusters: 2, builds: 0 });
    expect(again.runner.kustomizeRuns).toBe(0);

    // Adding a third cluster: checked in the upgrade's scratch folder; east and west are reused.
    const added = depsWithCache(cacheDir);
    await createCommand(parseCliArgs([dir, '--yes', '--no-git', '--allow-dirty', '--cluster', 'north']), added.deps);
    expect(added.reports).toHaveLength(1);
    expect(added.reports[0]!.stats).toMatchObject({ reusedClusters: 2 });
    expect(added.runner.kustomizeRuns).toBeGreaterThan(0);
    // Built: north's own paths and folders only, fewer than the first generation built for two clusters.
    expect(added.runner.kustomizeRuns).toBeLessThan(first.runner.kustomizeRuns);
    // The scratch folder got only what those builds read: nothing of east or west.
    const scratch = added.onDisk[0]!;
    expect(scratch).toContain('clusters/north/apps.yaml');
    expect(scratch.filter((path) => /(^|\/)(east|west)\//.test(path))).toEqual([]);
    expect(scratch.length).toBeLessThan(added.treeSizes[0]! / 2);

    const full = await validateRepository(dir, { runner: countingRunner() });
    expect(full.ok).toBe(true);
    expect(added.reports[0]!.findings).toEqual(full.findings);
  });
});

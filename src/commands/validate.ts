import { resolve } from 'node:path';
import type { CliOptions } from './options.js';
import { stepError } from '../errors.js';
import { runProcess, type ProcessRunner } from '../process.js';
import type { Reporter } from '../reporter.js';
import { defaultCacheDir, formatReport, validateRepository, type ValidationReport, type WriteOnDemand } from '../validate/index.js';

/** `create-piksel-gitops validate [dir]`: the report, and whether it found errors. */
export async function validateCommand(options: CliOptions, run: ProcessRunner): Promise<ValidationReport> {
  return validateRepository(resolve(options.dir), { cluster: options.cluster, strict: options.strict, runner: run, cacheDir: cacheDirFor(run) });
}

/** Outcomes of the real kubectl are cached; a runner a test swapped in is always asked. */
const cacheDirFor = (run: ProcessRunner) => (run === runProcess ? defaultCacheDir() : undefined);

/**
 * The check every generated tree passes before it is moved into place: a generator bug stops
 * the run (exit 1) and nothing is written.
 */
export const validateStaged =
  (run: ProcessRunner, reporter: Reporter) =>
  async (dir: string, written?: ReadonlyMap<string, string>, signal?: AbortSignal, writeOnDemand?: WriteOnDemand): Promise<void> => {
    const runner: ProcessRunner = signal ? (command, args, options) => run(command, args, { ...options, signal }) : run;
    const report = await validateRepository(dir, { runner, cacheDir: cacheDirFor(run), written, writeOnDemand });
    for (const warning of report.findings.filter((f) => f.severity === 'warning' && f.check === 'kustomize')) reporter.warn(warning.message);
    if (!report.ok)
      throw stepError('the generated repository did not validate (a bug in create-piksel-gitops: please report it); nothing was written', formatReport(report).split('\n'));
  };

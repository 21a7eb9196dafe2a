import { resolve } from 'node:path';
import { shellQuote } from '../bootstrap/command-line.js';
import { parseAnswers } from '../answers/load.js';
import type { Answers, ClusterAnswers } from '../answers/schema.js';
import { runBootstrap, type BootstrapDeps, type BootstrapSummary } from '../bootstrap/run.js';
import type { CliOptions } from './options.js';
import { inputError } from '../errors.js';
import { runProcess } from '../process.js';
import { ANSWERS_FILE } from '../project/files.js';
import { inspectTarget } from '../project/open.js';
import type { Prompts } from '../prompts.js';
import type { Reporter } from '../reporter.js';

export type { BootstrapDeps, BootstrapSummary } from '../bootstrap/run.js';
export { checkBootstrapUsage } from '../bootstrap/run.js';

/** `create-piksel-gitops bootstrap [dir] --cluster NAME`: bootstrap a cluster of a generated repository. */
export async function bootstrapCommand(options: CliOptions, deps: BootstrapDeps): Promise<BootstrapSummary> {
  refuseAnswers(options);
  const { dir, answers, cluster } = await openCluster(options);
  return runBootstrap({ dir, shownDir: options.dir, answers, cluster }, options, deps);
}

/** The generated repository at --dir, its stored answers and the cluster --cluster names (bootstrap, secrets, status). */
export async function openCluster(options: Pick<CliOptions, 'dir' | 'cluster'>): Promise<{ dir: string; answers: Answers; cluster: ClusterAnswers }> {
  const dir = resolve(options.dir);
  const target = await inspectTarget(dir);
  if (target.kind !== 'generated')
    throw inputError(
      `${options.dir} is not a repository made by create-piksel-gitops (no ${ANSWERS_FILE}): ` +
        `create one with \`npx create-piksel-gitops ${shellQuote(options.dir)}\`, or give its folder`,
    );
  const answers = parseAnswers(target.storedAnswers);
  return { dir, answers, cluster: chooseCluster(answers, options.cluster) };
}

/** After `create` has written and committed dir: bootstrap the chosen (or only) cluster. */
export async function runBootstrapAfterCreate(
  dir: string,
  answers: Answers,
  clusterName: string | undefined,
  options: CliOptions,
  deps: BootstrapDeps,
): Promise<BootstrapSummary> {
  return runBootstrap({ dir: resolve(dir), shownDir: options.dir, answers, cluster: chooseCluster(answers, clusterName) }, options, deps);
}

/**
 * bootstrap and secrets read the answers the repository stores: --set or --answers would be
 * ignored, so they are refused, pointing at create, which changes the answers and the files together.
 */
export function refuseAnswers(options: Pick<CliOptions, 'command' | 'dir' | 'sets' | 'answersFile'>): void {
  const given = [...options.sets.map((s) => `--set ${shellQuote(s)}`), ...(options.answersFile === undefined ? [] : [`--answers ${shellQuote(options.answersFile)}`])];
  if (given.length === 0) return;
  throw inputError(
    `${options.command} takes no ${options.sets.length > 0 ? '--set' : '--answers'}: it uses the answers stored in the repository; ` +
      `change them with \`npx create-piksel-gitops ${shellQuote(options.dir)} ${given.join(' ')}\` (it updates the repository), then run ${options.command} again`,
  );
}

/** --cluster, else the only cluster; with several and none named, exit 2 naming the choices. */
export function chooseCluster(answers: Answers, requested: string | undefined): ClusterAnswers {
  const names = answers.clusters.map((c) => c.name);
  if (requested === undefined) {
    if (answers.clusters.length === 1) return answers.clusters[0]!;
    throw inputError(`the repository has ${names.length} clusters: choose one with --cluster (${names.join(', ')})`);
  }
  const found = answers.clusters.find((c) => c.name === requested);
  if (!found)
    throw inputError(
      `cluster '${requested}' is not in ${ANSWERS_FILE}: choose one of ${names.join(', ')}, or add it first with \`npx create-piksel-gitops . --cluster ${shellQuote(requested)}\``,
    );
  return found;
}

/** The real runner; `prompts` only when stdin and stdout are terminals (else only --yes may proceed). */
export const defaultBootstrapDeps = (reporter: Reporter, prompts?: Prompts): BootstrapDeps => ({ run: runProcess, reporter, prompts });

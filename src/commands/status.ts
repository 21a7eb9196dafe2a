import { scopedRunner } from '../bootstrap/child-env.js';
import { shellQuote } from '../bootstrap/command-line.js';
import { clusterContext } from '../bootstrap/context-binding.js';
import { EXIT_CODES, inputError } from '../errors.js';
import type { ProcessRunner } from '../process.js';
import type { Reporter } from '../reporter.js';
import { assessPlatform, type PlatformStatus } from '../status/assess.js';
import { formatStatus, progressLine } from '../status/format.js';
import { readLiveObjects } from '../status/kubectl.js';
import { statusPlan } from '../status/plan.js';
import { type Clock, parseDuration, watchPlatform } from '../status/watch.js';
import { openCluster } from './bootstrap.js';
import type { CliOptions } from './options.js';

export interface StatusCommandDeps {
  readonly run: ProcessRunner;
  readonly reporter: Reporter;
  readonly env?: NodeJS.ProcessEnv;
  readonly clock?: Clock;
}

/** What `status --json` prints: the platform's state, and whether --watch ran out of time. */
export interface StatusReport extends PlatformStatus {
  readonly timedOut: boolean;
  readonly exitCode: number;
}

/** --watch without --timeout: first installs take many minutes. */
const DEFAULT_WATCH_TIMEOUT = '30m';

/**
 * `create-piksel-gitops status [dir] --cluster NAME [--watch] [--timeout D]`: the cluster's Flux
 * graph as the repository defines it, against what the cluster reports. Read-only.
 */
export async function statusCommand(options: CliOptions, deps: StatusCommandDeps): Promise<StatusReport> {
  const timeoutMs = options.watch ? parseDuration('--timeout', options.timeout ?? DEFAULT_WATCH_TIMEOUT) : 0;
  if (options.timeout !== undefined && !options.watch) throw inputError('--timeout goes with --watch: add --watch, or drop --timeout');
  const { dir, answers, cluster } = await openCluster(options);
  const run = scopedRunner(deps.run, deps.env ?? process.env);
  const context = await clusterContext(run, answers, cluster, options.context, options.force);
  const plan = statusPlan(answers, cluster, { context, secretsCommand: `npx create-piksel-gitops secrets ${shellQuote(options.dir)} --cluster ${cluster.name}` });
  const head = await branchHead(run, dir, answers.repository.branch);
  const look = async () => assessPlatform(plan, await readLiveObjects(run, context), { head });
  let shown = '';
  const { status, timedOut } = options.watch
    ? await watchPlatform(look, { timeoutMs, clock: deps.clock, onLookError: (e) => deps.reporter.warn(`could not read the cluster this time (${e.message}): looking again`) }, (s) => {
        const line = progressLine(s);
        if (line !== shown) deps.reporter.info(line);
        shown = line;
      })
    : { status: await look(), timedOut: false };
  if (!options.json) for (const line of formatStatus(status)) deps.reporter.info(line);
  if (timedOut) deps.reporter.warn(`not every Kustomization was Ready after ${options.timeout ?? DEFAULT_WATCH_TIMEOUT}: the state above is the last one seen`);
  return { ...status, timedOut, exitCode: statusExitCode(status) };
}

/** 0 Ready, 1 something failed (or is suspended), 4 still progressing (a look, or --watch out of time). */
export const statusExitCode = (status: PlatformStatus): number =>
  status.outcome === 'ready' ? EXIT_CODES.ok : status.outcome === 'failed' ? EXIT_CODES.step : EXIT_CODES.notReady;

/** The commit the branch points at here (origin's copy first: what Flux can fetch); undefined outside a git repository. */
async function branchHead(run: ProcessRunner, dir: string, branch: string): Promise<string | undefined> {
  for (const ref of [`refs/remotes/origin/${branch}`, `refs/heads/${branch}`]) {
    const result = await run('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: dir, timeoutMs: 30_000 });
    if (result.exitCode === 0 && result.stdout.trim() !== '') return result.stdout.trim();
  }
  return undefined;
}

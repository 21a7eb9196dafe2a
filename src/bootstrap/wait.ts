import type { Answers, ClusterAnswers } from '../answers/schema.js';
import { backfillCommands, DAILY_START, LOOKBACK_DAYS } from '../catalog/components/indexing.js';
import { selectComponents } from '../catalog/selection.js';
import { isPikselError } from '../errors.js';
import type { ProcessRunner } from '../process.js';
import type { Prompts } from '../prompts.js';
import type { Reporter } from '../reporter.js';
import { assessPlatform, type Outcome } from '../status/assess.js';
import { formatStatus, progressLine } from '../status/format.js';
import { readLiveObjects } from '../status/kubectl.js';
import { statusPlan } from '../status/plan.js';
import { type Clock, parseDuration, WATCH_INTERVAL_MS, watchPlatform } from '../status/watch.js';

/**
 * Bootstrap's last step: watch the platform come up (the `status` view, live) until every
 * Kustomization is Ready or the wait runs out, then name the URLs that work. Read-only.
 */
export const DEFAULT_WAIT_TIMEOUT = '45m';

export interface PlatformWait {
  /** 'unknown': the cluster could not be read (the watch was given up, bootstrap itself succeeded). */
  readonly outcome: Outcome | 'unknown';
  readonly timedOut: boolean;
  readonly urls: readonly string[];
}

export interface WaitInput {
  readonly run: ProcessRunner;
  readonly context: string;
  readonly answers: Answers;
  readonly cluster: ClusterAnswers;
  readonly secretsCommand: string;
  readonly statusCommand: string;
  readonly timeout?: string;
  readonly reporter: Reporter;
  readonly prompts?: Prompts;
  readonly clock?: Clock;
}

export async function waitForPlatform(input: WaitInput): Promise<PlatformWait> {
  const timeout = input.timeout ?? DEFAULT_WAIT_TIMEOUT;
  const timeoutMs = parseDuration('--wait-timeout', timeout);
  const plan = statusPlan(input.answers, input.cluster, { context: input.context, secretsCommand: input.secretsCommand });
  const { reporter } = input;
  // The live log opens with the first look that could read the cluster.
  let log: ReturnType<NonNullable<Prompts['taskLog']>> | undefined;
  const title = `waiting for the platform to become healthy (up to ${timeout}, a look every ${WATCH_INTERVAL_MS / 1000}s; --no-wait skips this)`;
  if (!input.prompts) reporter.info(title);
  let shown = '';
  try {
    const { status, timedOut } = await watchPlatform(
      async () => assessPlatform(plan, await readLiveObjects(input.run, input.context)),
      { timeoutMs, clock: input.clock, onLookError: (e) => reporter.warn(`could not read the cluster this time (${e.message}): looking again`) },
      (s) => {
        const line = progressLine(s);
        if (line === shown) return;
        shown = line;
        log ??= input.prompts?.taskLog(title);
        if (log) log.message(line);
        else reporter.detail(`  │ ${line}`);
      },
    );
    const urls = status.urls.filter((u) => u.ready).map((u) => `${u.component}: ${u.url}`);
    if (status.outcome === 'ready') {
      if (log) log.success('the platform is healthy');
      else reporter.success('the platform is healthy: every Kustomization is Ready');
    } else {
      if (log) log.error(`the platform is not healthy after ${timeout}`);
      for (const line of formatStatus(status)) reporter.detail(line);
      reporter.warn(
        `${status.outcome === 'failed' ? 'something failed (above)' : 'still progressing'} after ${timeout}: ` +
          `Flux keeps trying; follow it with \`${input.statusCommand} --watch\``,
      );
    }
    if (urls.length > 0) reporter.success(`apps up:\n${urls.map((u) => `  ${u}`).join('\n')}`);
    if (status.outcome === 'ready' && selectComponents(input.answers).names.has('indexing'))
      reporter.info(
        `data: each product is indexed daily from ${DAILY_START} UTC for the last ${LOOKBACK_DAYS} days; to index from its start date now (its backfill):\n` +
          backfillCommands(input.answers)
            .map((c) => `  ${c}`)
            .join('\n'),
      );
    return { outcome: status.outcome, timedOut, urls };
  } catch (e) {
    if (!isPikselError(e)) throw e;
    // Bootstrap did its work; a cluster that cannot be read now is not a failed bootstrap.
    log?.error('could not watch the platform');
    reporter.warn(`could not watch the platform: ${e.message}; follow it with \`${input.statusCommand} --watch\``);
    return { outcome: 'unknown', timedOut: false, urls: [] };
  }
}

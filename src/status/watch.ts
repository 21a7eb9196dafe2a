import { DURATION } from '../answers/formats.js';
import { inputError, isPikselError, type PikselError } from '../errors.js';
import type { PlatformStatus } from './assess.js';

/** How often the cluster is looked at while watching: Flux itself retries every minute. */
export const WATCH_INTERVAL_MS = 10_000;

export interface Clock {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

export const realClock: Clock = { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

export interface WatchResult {
  readonly status: PlatformStatus;
  /** The time ran out before every Kustomization was Ready. */
  readonly timedOut: boolean;
}

/**
 * Looks until everything is Ready or `timeoutMs` has passed. A failure does not stop the watch:
 * Flux retries, and a person fixing a Secret or a DNS record sees it turn Ready here.
 * `onLook` gets every look (callers decide what changed enough to show). A look that cannot read
 * the cluster ends the watch if it is the first; later, the last picture stands until the next
 * look (an API server restarting during an upgrade is no reason to stop watching).
 */
export async function watchPlatform(
  look: () => Promise<PlatformStatus>,
  options: { readonly timeoutMs: number; readonly intervalMs?: number; readonly clock?: Clock; readonly onLookError?: (error: PikselError) => void },
  onLook: (status: PlatformStatus) => void,
): Promise<WatchResult> {
  const clock = options.clock ?? realClock;
  const deadline = clock.now() + options.timeoutMs;
  let last: PlatformStatus | undefined;
  for (;;) {
    const status = await look().catch((e: unknown) => {
      if (!last || !isPikselError(e)) throw e;
      options.onLookError?.(e);
      return last;
    });
    last = status;
    onLook(status);
    if (status.outcome === 'ready') return { status, timedOut: false };
    const left = deadline - clock.now();
    if (left <= 0) return { status, timedOut: true };
    await clock.sleep(Math.min(options.intervalMs ?? WATCH_INTERVAL_MS, left));
  }
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `--timeout 30m` / `--wait-timeout 1h30m` (Go durations, as Flux's own timeouts) → milliseconds; bad input exits 2. */
export function parseDuration(option: string, text: string): number {
  if (!DURATION.pattern.test(text)) throw inputError(`${option} '${text}' is not a duration: ${DURATION.hint}`);
  let ms = 0;
  for (const [, amount, unit] of text.matchAll(/([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)/g)) ms += Number(amount) * UNIT_MS[unit!]!;
  if (ms <= 0) throw inputError(`${option} must be longer than 0`);
  return ms;
}

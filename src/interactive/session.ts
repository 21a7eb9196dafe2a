import type { BootstrapPrompts } from '../bootstrap/prompts.js';
import type { Reporter } from '../reporter.js';

type Raw = Record<string, unknown>;

/**
 * What a person at a terminal adds to a run: questions for what the flags and files left open, a
 * look at the plan before anything is written, progress, and next steps. Absent without a terminal.
 */
export interface InteractiveSession {
  /** Asks what `prefilled` does not answer (on a re-run: only what is new); throws `cancelled()`. */
  ask(prefilled: Raw, options: { rerun: boolean; askBootstrap: boolean }): Promise<{ raw: Raw; bootstrap?: boolean }>;
  /** No folder was named: where the new repository goes (`defaultName` on Enter); throws `cancelled()`. */
  askFolder(defaultName: string): Promise<string>;
  /** Shows what will be written and asks to go on (`question`, default "Write it?"). */
  confirmPlan(title: string, text: string, question?: string): Promise<boolean>;
  /**
   * Runs `work` under a spinner, then shows `done` (default: "Writing…" becomes "Wrote…"). Ctrl-C
   * aborts `signal`: the work stops, removes what it staged, and the run ends "Cancelled", exit 130.
   */
  progress<T>(message: string, work: (signal: AbortSignal) => Promise<T>, done?: string): Promise<T>;
  /** The closing lines: next steps in a note (none when `text` is empty), then the outro. */
  finish(title: string, text: string): void;
  /** Questions bootstrap needs (kube context, hidden webhook) and its live log. */
  readonly bootstrap: BootstrapPrompts;
  /** Progress lines drawn in the same style as the questions. */
  readonly reporter: Reporter;
}

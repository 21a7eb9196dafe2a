import type { Reporter } from './reporter.js';

/**
 * What a person at a terminal lends a run: the terminal's primitives, shaped like @clack/prompts
 * so the one adapter (interactive/clack.ts) stays thin and tests can script a person. Absent
 * without a terminal. A leaf beside the reporter, so the question flow, create, upgrade, bootstrap
 * and secrets all take the same thing without importing each other. Every question throws
 * `cancelled()` when the person cancels (Ctrl-C, Esc).
 */
export interface Prompts {
  text(q: { message: string; initialValue?: string; placeholder?: string; validate?: (value: string) => string | undefined }): Promise<string>;
  select<T extends string>(q: { message: string; options: readonly Choice<T>[]; initialValue?: T }): Promise<T>;
  multiselect<T extends string>(q: { message: string; options: readonly Choice<T>[]; initialValues?: readonly T[]; required?: boolean }): Promise<T[]>;
  confirm(q: { message: string; initialValue?: boolean }): Promise<boolean>;
  /**
   * Typed without echo (a webhook, a password); empty when the person just presses Enter. A value
   * `validate` refuses is asked for again in place, its message shown (it must not repeat the value).
   */
  password(q: { message: string; validate?: (value: string) => string | undefined }): Promise<string>;
  /** A boxed note (summaries, explanations). */
  note(message: string, title?: string): void;
  /** A heading between groups of questions. */
  section(title: string): void;
  /** The opening line; drawn once, however often asked (each step that talks first asks for it). */
  intro(title: string): void;
  /** The closing line. */
  outro(message: string): void;
  /**
   * Runs `work` under a spinner, then shows `done`. Ctrl-C aborts `signal`: the work stops,
   * removes what it staged, and the run ends "Cancelled", exit 130.
   */
  progress<T>(message: string, work: (signal: AbortSignal) => Promise<T>, done: string): Promise<T>;
  /** A live log of a long command's output (flux bootstrap), kept on screen when it fails. */
  taskLog(title: string): TaskLog;
  /** Progress lines drawn in the same style as the questions. */
  readonly log: Reporter;
}

export interface Choice<T extends string> {
  readonly value: T;
  readonly label?: string;
  readonly hint?: string;
}

export interface TaskLog {
  message(line: string): void;
  success(message: string): void;
  error(message: string): void;
}

/**
 * What a person at a terminal lends bootstrap: questions and a live log. Its own small module, so
 * the terminal session can offer them without depending on how bootstrap runs.
 */
export interface BootstrapPrompts {
  /** Yes/no question in a terminal. Absent means no terminal: only --yes may then touch a cluster. */
  readonly confirm?: (message: string) => Promise<boolean>;
  /** Reads a value without echo (the Slack webhook). Absent means no terminal. */
  readonly readSecret?: (message: string) => Promise<string | undefined>;
  /** A live log for flux's output (shaped like @clack/prompts' taskLog); else lines go to reporter.detail. */
  readonly taskLog?: (title: string) => TaskLog;
}

export interface TaskLog {
  message(line: string): void;
  success(message: string): void;
  error(message: string): void;
}

/**
 * What the commands take from the command line. Defined here, beside the commands, and filled
 * in by the parser (cli/args.ts): the commands never import the CLI.
 */
export type Command = 'create' | 'validate' | 'bootstrap' | 'secrets' | 'status';

/** Everything the command line says, read once, in one place. */
export interface CliOptions {
  readonly command: Command;
  readonly dir: string;
  /** A folder was named (create without one may mean the generated repository the shell is in). */
  readonly dirGiven: boolean;
  readonly yes: boolean;
  readonly answersFile?: string;
  readonly sets: readonly string[];
  readonly cluster?: string;
  readonly dryRun: boolean;
  readonly git: boolean;
  /** undefined: ask (interactive) or skip (non-interactive); true/false: as told. */
  readonly bootstrap?: boolean;
  readonly json: boolean;
  readonly force: boolean;
  readonly allowDirty: boolean;
  /** Upgrade on a detached HEAD (the commit would belong to no branch). */
  readonly allowDetached: boolean;
  readonly restoreDeleted: boolean;
  readonly strict: boolean;
  readonly context?: string;
  /** bootstrap: flux bootstrap (default), or the Flux Operator and a FluxInstance. */
  readonly method?: 'bootstrap' | 'operator';
  /** bootstrap / secrets: Secrets to give new values on purpose (a name, namespace/name, or all). */
  readonly rotate: readonly string[];
  /** secrets: only report present/missing. */
  readonly check: boolean;
  /** status: look again until everything is Ready or --timeout passes. */
  readonly watch: boolean;
  /** status --watch: how long to look (a Go duration). */
  readonly timeout?: string;
  /** bootstrap: wait for the platform to become healthy (--no-wait: false), and for how long. */
  readonly wait: boolean;
  readonly waitTimeout?: string;
  readonly templatesDir?: string;
  readonly help: boolean;
  readonly version: boolean;
}

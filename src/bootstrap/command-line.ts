/**
 * How a command is shown to a person (dry-run plan, failure hints): shell-quoted, with the names of
 * the secret variables it reads written as `NAME=***`, and any secret value masked.
 */
export const REDACTED = '***';

export interface ShownCommand {
  readonly command: string;
  readonly args: readonly string[];
  /** Names of variables carrying secrets into the command (shown as NAME=***). */
  readonly secretEnv?: readonly string[];
  /** What goes to stdin, described (never the content). */
  readonly stdin?: string;
}

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;
export const shellQuote = (word: string) => (word !== '' && SAFE.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);

export function showCommand(c: ShownCommand): string {
  const env = (c.secretEnv ?? []).map((name) => `${name}=${REDACTED} `).join('');
  const stdin = c.stdin ? `  # stdin: ${c.stdin}` : '';
  return `${env}${[c.command, ...c.args].map(shellQuote).join(' ')}${stdin}`;
}

/** Masks every secret value in text (child output, error messages) before a person sees it. */
export function redactor(secrets: readonly (string | undefined)[]): (text: string) => string {
  const values = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4).sort((a, b) => b.length - a.length);
  return (text) => values.reduce((out, value) => out.split(value).join(REDACTED), text);
}

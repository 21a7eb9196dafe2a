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

/**
 * The ways a value can come back in a tool's output: as given; JSON-escaped (`"` and `\` in a
 * password appear as `\"` and `\\` when kubectl echoes the object it was sent), also as Go's
 * encoder writes it (`<`, `>`, `&` as \u003c…); and base64, as a Secret's `data` holds it.
 */
function encodings(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1);
  const goJson = json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return [value, json, goJson, Buffer.from(value, 'utf8').toString('base64')];
}

/** Masks every secret value, in each of its encodings, in text (child output, error messages) before a person sees it. */
export function redactor(secrets: Iterable<string | undefined>): (text: string) => string {
  const forms = [...new Set([...secrets].filter((s): s is string => typeof s === 'string' && s.length >= 4).flatMap(encodings))].sort((a, b) => b.length - a.length);
  return (text) => forms.reduce((out, form) => out.split(form).join(REDACTED), text);
}

import * as clack from '@clack/prompts';
import { cancelled } from '../errors.js';
import type { Prompts } from '../prompts.js';
import { withSpinner } from './progress.js';

/** The only module that talks to the terminal's prompts. Cancel (Ctrl-C, Esc) becomes `cancelled()`. */
async function answered<T>(value: Promise<T>): Promise<Exclude<T, symbol>> {
  const result = await value;
  if (clack.isCancel(result)) {
    clack.cancel('Cancelled');
    throw cancelled(true);
  }
  return result as Exclude<T, symbol>;
}

/** A run at a terminal, drawn with @clack/prompts. */
export function terminalPrompts(): Prompts {
  let introduced = false;
  return {
    text: ({ validate, ...q }) => answered(clack.text({ ...q, validate: validate && ((value) => validate(value ?? '')) })),
    select: (q) => answered(clack.select({ ...q, options: q.options.map((o) => ({ ...o })) } as Parameters<typeof clack.select>[0])),
    multiselect: (q) =>
      answered(clack.multiselect({ ...q, options: q.options.map((o) => ({ ...o })), initialValues: q.initialValues ? [...q.initialValues] : undefined } as Parameters<typeof clack.multiselect>[0])),
    confirm: (q) => answered(clack.confirm(q)),
    password: async ({ validate, ...q }) => (await answered(clack.password({ ...q, mask: '•', validate: validate && ((value) => validate(value ?? '')) }))) ?? '',
    note: (message, title) => clack.note(message, title),
    section: (title) => clack.log.step(title),
    intro: (title) => {
      if (!introduced) clack.intro(title);
      introduced = true;
    },
    outro: (message) => clack.outro(message),
    // Not clack's spinner: see withSpinner for why.
    progress: (message, work, done) => withSpinner(message, done, work),
    taskLog: (title) => {
      const log = clack.taskLog({ title, limit: 12, retainLog: true });
      return { message: (line) => log.message(line), success: (m) => log.success(m), error: (m) => log.error(m, { showLog: true }) };
    },
    log: {
      info: (line) => clack.log.info(line),
      detail: (line) => clack.log.message(line),
      // ◇ like the steps around it, and a sentence: "Committed on branch main".
      success: (line) => clack.log.step(line.charAt(0).toUpperCase() + line.slice(1)),
      warn: (line) => clack.log.warn(line),
    },
  } as Prompts;
}

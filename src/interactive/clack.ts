import * as clack from '@clack/prompts';
import { cancelled } from '../errors.js';
import { packageVersion } from '../package-root.js';
import type { InteractiveSession } from './session.js';
import type { TaskLog } from '../bootstrap/prompts.js';
import { askAnswers } from './flow.js';
import { withSpinner } from './progress.js';
import type { PromptKit } from './kit.js';

/** The only module that talks to the terminal's prompts. Cancel (Ctrl-C, Esc) becomes `cancelled()`. */
async function answered<T>(value: Promise<T>): Promise<Exclude<T, symbol>> {
  const result = await value;
  if (clack.isCancel(result)) {
    clack.cancel('Cancelled');
    throw cancelled(true);
  }
  return result as Exclude<T, symbol>;
}

export const clackKit: PromptKit = {
  text: ({ validate, ...q }) => answered(clack.text({ ...q, validate: validate && ((value) => validate(value ?? '')) })),
  select: (q) => answered(clack.select({ ...q, options: q.options.map((o) => ({ ...o })) } as Parameters<typeof clack.select>[0])),
  multiselect: (q) =>
    answered(clack.multiselect({ ...q, options: q.options.map((o) => ({ ...o })), initialValues: q.initialValues ? [...q.initialValues] : undefined } as Parameters<typeof clack.multiselect>[0])),
  confirm: (q) => answered(clack.confirm(q)),
  note: (message, title) => clack.note(message, title),
  section: (title) => clack.log.step(title),
} as PromptKit;

const taskLog = (title: string): TaskLog => {
  const log = clack.taskLog({ title, limit: 12, retainLog: true });
  return { message: (line) => log.message(line), success: (m) => log.success(m), error: (m) => log.error(m, { showLog: true }) };
};

/** A run at a terminal, drawn with @clack/prompts. */
export function terminalSession(): InteractiveSession {
  let introduced = false;
  const intro = () => {
    if (!introduced) clack.intro(`create-piksel-gitops ${packageVersion()}`);
    introduced = true;
  };
  return {
    ask: async (given, options) => {
      intro();
      return askAnswers(given, clackKit, options);
    },
    askFolder: async (defaultName) => {
      intro();
      const name = await answered(
        clack.text({
          message: 'Folder for the new repository',
          initialValue: defaultName,
          validate: (value) => ((value ?? '').trim() === '' ? 'give a folder name (or a path)' : undefined),
        }),
      );
      return name.trim();
    },
    confirmPlan: async (title, text, question = 'Write it?') => {
      intro();
      clack.note(text, title);
      return answered(clack.confirm({ message: question, initialValue: true }));
    },
    progress: (message, work, done) => withSpinner(message, done ?? message.replace(/^Writing/, 'Wrote'), work),
    finish: (title, text) => {
      if (text) clack.note(text, title);
      clack.outro('Done');
    },
    reporter: {
      info: (line) => clack.log.info(line),
      detail: (line) => clack.log.message(line),
      // ◇ like the steps around it, and a sentence: "Committed on branch main".
      success: (line) => clack.log.step(line.charAt(0).toUpperCase() + line.slice(1)),
      warn: (line) => clack.log.warn(line),
    },
    bootstrap: {
      confirm: (message) => answered(clack.confirm({ message, initialValue: false })),
      readSecret: async (message) => (await answered(clack.password({ message, mask: '•' }))) || undefined,
      taskLog,
    },
  };
}

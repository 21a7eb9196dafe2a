import { packageVersion } from '../package-root.js';
import type { Prompts } from '../prompts.js';
import type { Raw } from './answer-paths.js';
import { askAnswers, type FlowOptions, type FlowResult } from './flow.js';

/**
 * What a person at a terminal adds to create and upgrade, as steps over the one `Prompts`:
 * questions for what the flags and files left open, a look at the plan before anything is
 * written, progress, and next steps. Whichever of them talks first draws the intro.
 */
const opening = (prompts: Prompts) => prompts.intro(`create-piksel-gitops ${packageVersion()}`);

/** Asks what `prefilled` does not answer (on a re-run: only what is new); throws `cancelled()`. */
export function askOpenAnswers(prompts: Prompts, prefilled: Raw, options: FlowOptions): Promise<FlowResult> {
  opening(prompts);
  return askAnswers(prefilled, prompts, options);
}

/** No folder was named: where the new repository goes (`defaultName` on Enter); throws `cancelled()`. */
export async function askFolder(prompts: Prompts, defaultName: string): Promise<string> {
  opening(prompts);
  const name = await prompts.text({
    message: 'Folder for the new repository',
    initialValue: defaultName,
    validate: (value) => (value.trim() === '' ? 'give a folder name (or a path)' : undefined),
  });
  return name.trim();
}

/** Shows what will be written and asks to go on. */
export function confirmPlan(prompts: Prompts, title: string, text: string, question = 'Write it?'): Promise<boolean> {
  opening(prompts);
  prompts.note(text, title);
  return prompts.confirm({ message: question, initialValue: true });
}

/** `work` under a spinner; `done` defaults to the message's "Writing…" as "Wrote…". */
export function withProgress<T>(prompts: Prompts, message: string, work: (signal: AbortSignal) => Promise<T>, done?: string): Promise<T> {
  return prompts.progress(message, work, done ?? message.replace(/^Writing/, 'Wrote'));
}

/** The closing lines: next steps in a note (none when `text` is empty), then the outro. */
export function finish(prompts: Prompts, title: string, text: string): void {
  if (text) prompts.note(text, title);
  prompts.outro('Done');
}

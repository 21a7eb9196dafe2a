import type { Prompts } from '../../src/prompts.js';

/**
 * A person at a scripted terminal: every question takes its default, hidden input is empty,
 * drawings go nowhere, progress runs the work with a signal nobody aborts. Tests override what
 * they script or watch.
 */
export function scriptedPrompts(overrides: Partial<Prompts> = {}): Prompts {
  const quiet = () => undefined;
  return {
    text: async ({ initialValue }) => initialValue ?? '',
    select: async ({ initialValue }) => initialValue as never,
    multiselect: async ({ initialValues }) => [...(initialValues ?? [])] as never,
    confirm: async ({ initialValue }) => initialValue ?? false,
    password: async () => '',
    note: quiet,
    section: quiet,
    intro: quiet,
    outro: quiet,
    progress: (_message, work) => work(new AbortController().signal),
    taskLog: () => ({ message: quiet, success: quiet, error: quiet }),
    log: { info: quiet, detail: quiet, success: quiet, warn: quiet },
    ...overrides,
  };
}

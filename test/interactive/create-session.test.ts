import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { parseCliArgs } from '../../src/cli/args.js';
import type { Prompts } from '../../src/prompts.js';
import { createCommand } from '../../src/commands/create.js';
import { runProcess } from '../../src/process.js';
import type { Reporter } from '../../src/reporter.js';
import { listTree, tempDir } from '../support/cli.js';
import { scriptedPrompts } from '../support/prompts.js';

const quiet: Reporter = { info: () => undefined, detail: () => undefined, success: () => undefined, warn: () => undefined };

/** A person who takes every default and says yes to the plan; records the notes they were shown. */
function session(overrides: Partial<Prompts> = {}): Prompts & { shown: string[] } {
  const shown: string[] = [];
  return {
    shown,
    ...scriptedPrompts({ note: (text, title) => void shown.push(`${title}\n${text}`), ...overrides }),
  };
}

/** The note under `title` (the question flow shows its own notes before the plan). */
const noteTitled = (shown: readonly string[], title: string) => shown.find((s) => s.startsWith(`${title}\n`));

const options = (dir: string) => parseCliArgs([dir, '--no-git']);

describe('create at a terminal (session injected)', () => {
  it('shows the plan (clusters, components, file count, secrets) before writing, then next steps', async () => {
    const dir = join(await tempDir(), 'repo');
    const s = session();
    const summary = await createCommand(options(dir), { run: runProcess, reporter: quiet, prompts: s });
    const plan = noteTitled(s.shown, 'What will be generated');
    expect(plan).toMatch(/^What will be generated\nFolder: +.*repo \(\d+ files\)\nClusters: +development/);
    expect(plan).toContain('jupyterhub/jupyterhub-auth');
    // The plan comes before the next steps, and the next steps are the last note.
    expect(s.shown.indexOf(plan!)).toBe(s.shown.length - 2);
    expect(s.shown.at(-1)).toMatch(/^Next steps\ncd .*repo\n[\s\S]*read -rs GITHUB_TOKEN && export GITHUB_TOKEN\n[│ ]*read -rs PIKSEL_DB_ADMIN_USERNAME && export PIKSEL_DB_ADMIN_USERNAME\n[│ ]*read -rs PIKSEL_DB_ADMIN_PASSWORD && export PIKSEL_DB_ADMIN_PASSWORD\n[│ ]*read -rs SLACK_WEBHOOK_URL && export SLACK_WEBHOOK_URL/);
    expect(s.shown.join('\n').split('\n').every((line) => line.length <= 76)).toBe(true);
    expect(summary.files.length).toBeGreaterThan(50);
  });

  it('"no" at the plan cancels with nothing written', async () => {
    const parent = await tempDir();
    const s = session({ confirm: async ({ message, initialValue }) => (message === 'Write it?' ? false : (initialValue ?? false)) });
    await expect(createCommand(options(join(parent, 'repo')), { run: runProcess, reporter: quiet, prompts: s })).rejects.toMatchObject({ kind: 'cancelled' });
    expect(await listTree(parent)).toEqual([]);
  });

  it('Ctrl-C while the spinner runs (before or after the move into place) leaves no folder', async () => {
    for (const when of ['while staging', 'after the move'] as const) {
      const parent = await tempDir();
      const controller = new AbortController();
      const s = session({ progress: (_m, work) => work(controller.signal) });
      const checkStaged = async () => void (when === 'while staging' && controller.abort());
      // After the move: the interrupt arrives while git commits the new repository.
      const run: typeof runProcess = (command, args, opts) => {
        if (when === 'after the move' && command === 'git' && args.includes('commit')) controller.abort();
        return runProcess(command, args, opts);
      };
      const dir = join(parent, 'repo');
      const result = createCommand(parseCliArgs([dir]), { run, reporter: quiet, prompts: s, checkStaged });
      await expect(result, when).rejects.toMatchObject({ kind: 'cancelled' });
      expect(await listTree(parent), when).toEqual([]);
    }
  });
});

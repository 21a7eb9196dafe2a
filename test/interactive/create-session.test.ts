import { describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
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

describe('re-runs say what matters, once', () => {
  /** A reporter that keeps its lines, and a person who records each question and takes its default. */
  const watched = () => {
    const lines: string[] = [];
    const reporter: Reporter = {
      info: (l) => void lines.push(l),
      detail: (l) => void lines.push(l),
      success: (l) => void lines.push(`✔ ${l}`),
      warn: (l) => void lines.push(`⚠ ${l}`),
    };
    const asked: string[] = [];
    const prompts = session({
      confirm: async ({ message, initialValue }) => (asked.push(message), initialValue ?? true),
      text: async ({ message, initialValue }) => (asked.push(message), initialValue ?? ''),
    });
    return { lines, reporter, asked, prompts };
  };
  const git = (cwd: string, ...args: string[]) => runProcess('git', args, { cwd });

  it('a note about what the answers brought in is said when they change, not on every re-run', async () => {
    const dir = join(await tempDir(), 'repo');
    const args = [dir, '--yes', '--no-git', '--set', 'components.controllers=[cert-manager]', '--set', 'components.apps=[argo]'];
    const first = watched();
    await createCommand(parseCliArgs(args), { run: runProcess, reporter: first.reporter });
    expect(first.lines).toContain('note: argo needs db-proxy: added db-proxy');
    const again = watched();
    await createCommand(parseCliArgs([dir, '--yes', '--no-git']), { run: runProcess, reporter: again.reporter });
    expect(again.lines.filter((l) => l.startsWith('note:'))).toEqual([]);
    const more = watched();
    await createCommand(parseCliArgs([dir, '--yes', '--no-git', '--set', 'components.apps=[argo, jupyterdask]']), { run: runProcess, reporter: more.reporter });
    expect(more.lines.filter((l) => l.startsWith('note:'))).toEqual(['note: jupyterdask needs jupyterhub: added jupyterhub']);
  });

  it('a re-run that would change nothing says so and asks nothing, though a file was edited by hand', async () => {
    const dir = join(await tempDir(), 'repo');
    await createCommand(parseCliArgs([dir, '--yes']), { run: runProcess, reporter: watched().reporter });
    const readme = join(dir, 'clusters/development/README.md');
    await writeFile(readme, `${await readFile(readme, 'utf8')}\nOur notes.\n`);
    await git(dir, '-c', 'user.name=t', '-c', 'user.email=t@example.org', 'commit', '-qam', 'notes');
    const head = (await git(dir, 'rev-parse', 'HEAD')).stdout;
    const rerun = watched();
    await createCommand(parseCliArgs([dir]), { run: runProcess, reporter: rerun.reporter, prompts: rerun.prompts });
    expect(rerun.asked).toEqual([]);
    expect(rerun.lines).toContain('✔ already up to date: nothing changed (1 file you edited is kept as it is)');
    expect((await git(dir, 'rev-parse', 'HEAD')).stdout).toBe(head);
  });

  it('adding a cluster ends with what to do next: push, then bootstrap that cluster', async () => {
    const dir = join(await tempDir(), 'repo');
    await createCommand(parseCliArgs([dir, '--yes']), { run: runProcess, reporter: watched().reporter });
    const atTerminal = watched();
    await createCommand(parseCliArgs([dir, '--cluster', 'staging', '--no-bootstrap']), { run: runProcess, reporter: atTerminal.reporter, prompts: atTerminal.prompts });
    expect(atTerminal.prompts.shown.at(-1)).toMatch(/^Next steps\n(cd .*\n)?[\s\S]*git push\n[\s\S]*npx create-piksel-gitops bootstrap --cluster staging\n/);
    expect(atTerminal.prompts.shown.at(-1)!.split('\n').every((line) => line.length <= 76)).toBe(true);
    const plain = watched();
    await createCommand(parseCliArgs([dir, '--cluster', 'prod', '--yes']), { run: runProcess, reporter: plain.reporter });
    const steps = plain.lines.slice(plain.lines.indexOf('Next steps:')).join('\n');
    expect(steps).toMatch(/git push\n[\s\S]*npx create-piksel-gitops bootstrap --cluster prod/);
  });

  it('the repository name defaults to the folder’s name when that is a valid one', async () => {
    const parent = await tempDir();
    const s = watched();
    const summary = await createCommand(parseCliArgs([join(parent, 'geo-gitops'), '--no-git', '--dry-run']), { run: runProcess, reporter: s.reporter, prompts: s.prompts });
    expect(s.asked).toContain('Repository name');
    expect(summary.files).toContain('README.md');
    const readme = summary.plan!.files.find((f) => f.path === 'README.md')!.text!;
    expect(readme.split('\n')[0]).toBe('# geo-gitops');
    const yes = await createCommand(parseCliArgs([join(parent, 'geo-gitops'), '--yes', '--no-git', '--dry-run']), { run: runProcess, reporter: s.reporter });
    expect(yes.plan!.files.find((f) => f.path === 'README.md')!.text!.split('\n')[0]).toBe('# geo-gitops');
    // Not a valid repository name: the usual default.
    const odd = await createCommand(parseCliArgs([join(parent, 'my repo!'), '--yes', '--no-git', '--dry-run']), { run: runProcess, reporter: s.reporter });
    expect(odd.plan!.files.find((f) => f.path === 'README.md')!.text!.split('\n')[0]).toBe('# piksel-gitops');
  });
});

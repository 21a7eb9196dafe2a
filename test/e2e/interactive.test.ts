import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { listTree, runCli, tempDir } from '../support/cli.js';
import { closeAllTerminals, hasTmux, startTerminal, warnIfNoTmux, type Terminal } from './terminal.js';

// The question flow as a person meets it: the built binary in a terminal (tmux), keys typed.
warnIfNoTmux('the interactive end-to-end tests');

/** The question waiting for an answer: the last active-prompt line (◆, or ▲ showing an error). */
const activeQuestion = (screen: string) => [...screen.matchAll(/^[◆▲] {2}(.+)$/gm)].at(-1)?.[1] ?? '';

type Answer = readonly string[];

/**
 * Answers each question with Enter (its default) unless `answers` has keys for it, until the run
 * ends or a question stays after its answer (an inline error): the caller then takes over.
 * Returns the questions asked, in order.
 */
async function answerAll(term: Terminal, answers: ReadonlyArray<readonly [RegExp, Answer]> = []): Promise<string[]> {
  const asked: string[] = [];
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (Date.now() > deadline) throw new Error(`no end to the questions after ${asked.join(' / ')}:\n${await term.screen()}`);
    const screen = await term.waitForStable(250, 30_000);
    if (/└ {2}(Done|Cancelled)|^✖ /m.test(screen)) return asked;
    const question = activeQuestion(screen.slice(screen.lastIndexOf('◇')));
    if (!question) continue;
    // The same question after its answer: a slow redraw, or an inline error (then it stays).
    if (question === asked.at(-1) && question === activeQuestion((await term.waitForStable(1500, 30_000)).split('◇').at(-1)!)) return asked;
    if (question === asked.at(-1)) continue;
    asked.push(question);
    await term.send(...(answers.find(([pattern]) => pattern.test(question))?.[1] ?? ['Enter']));
  }
}

const clear = (n = 40): string[] => Array.from({ length: n }, () => 'BSpace');

async function files(dir: string): Promise<Map<string, string>> {
  const paths = (await listTree(dir)).filter((p) => !p.startsWith('.git/') && p !== '.git');
  const out = new Map<string, string>();
  for (const p of paths) out.set(p, await readFile(join(dir, p), 'utf8').catch(() => '<dir>'));
  return out;
}

describe.skipIf(!hasTmux)('interactive create (tmux)', { timeout: 120_000 }, () => {
  afterEach(closeAllTerminals);

  it('(a) accepting every default gives the same repository as --yes', async () => {
    const cwd = await tempDir();
    const term = await startTerminal(['repo'], { cwd, rows: 50 });
    const asked = await answerAll(term);
    expect(await term.exitCode(30_000)).toBe(0);
    expect(asked).toContain('Where is the Git repository hosted?');
    expect(asked).toContain('Send Flux events to Slack?');
    expect(await term.screen()).toMatch(/Next steps[\s\S]*read -rs GITHUB_TOKEN && export GITHUB_TOKEN[\s│]*read -rs PIKSEL_DB_ADMIN_USERNAME && export PIKSEL_DB_ADMIN_USERNAME[\s│]*read -rs PIKSEL_DB_ADMIN_PASSWORD && export PIKSEL_DB_ADMIN_PASSWORD[\s│]*read -rs SLACK_WEBHOOK_URL && export SLACK_WEBHOOK_URL/);

    const reference = await tempDir();
    expect((await runCli(['repo', '--yes'], { cwd: reference })).exitCode).toBe(0);
    const [interactive, withYes] = await Promise.all([files(join(cwd, 'repo')), files(join(reference, 'repo'))]);
    expect([...interactive.keys()]).toEqual([...withYes.keys()]);
    for (const [path, text] of withYes) expect(interactive.get(path), path).toBe(text);
  });

  it('(b) an invalid cluster name shows the inline error; corrected, the run finishes', async () => {
    const cwd = await tempDir();
    const term = await startTerminal(['repo'], { cwd, rows: 50 });
    const asked = await answerAll(term, [[/^Cluster name/, [...clear(), 'Bad_Name', 'Enter']]]);
    expect(asked.at(-1)).toMatch(/^Cluster name/);
    const screen = await term.waitFor(/'Bad_Name' is not valid: .*lowercase/);
    // The same words the answers file and --set give.
    const setError = await runCli(['x', '--yes', '--set', 'clusters.0.name=Bad_Name'], { cwd });
    expect(setError.stderr).toContain(screen.match(/'Bad_Name' is not valid: [^\n│]*/)![0].trim());
    await term.send(...clear(), 'staging', 'Enter');
    await answerAll(term);
    expect(await term.exitCode(30_000)).toBe(0);
    const tree = await listTree(join(cwd, 'repo'));
    expect(tree).toContain('clusters/staging/apps.yaml');
    expect(tree.some((p) => p.startsWith('clusters/development'))).toBe(false);
  });

  it('(c) GPU on with its details, Slack off: GPU settings rendered, no Slack questions or files', async () => {
    const cwd = await tempDir();
    const term = await startTerminal(['repo'], { cwd, rows: 50 });
    const asked = await answerAll(term, [
      [/^Do the clusters have NVIDIA GPU nodes/, ['Enter']],
      [/^GPU node labels/, [...clear(), 'node.kubernetes.io/gpu=a100', 'Enter']],
      [/^Pods sharing one GPU/, [...clear(), '4', 'Enter']],
      [/^Send Flux events to Slack/, ['Right', 'Enter']],
    ]);
    expect(await term.exitCode(30_000)).toBe(0);
    expect(asked.some((q) => q.startsWith('GPU node labels'))).toBe(true);
    expect(asked.some((q) => q.startsWith('Slack channel'))).toBe(false);
    const dir = join(cwd, 'repo');
    const answers = parse(await readFile(join(dir, 'piksel-answers.yaml'), 'utf8'));
    expect(answers.gpu).toMatchObject({ enabled: true, nodeSelector: { 'node.kubernetes.io/gpu': 'a100' }, timeSlicing: 4 });
    expect(answers.slack.enabled).toBe(false);
    const tree = await listTree(dir);
    expect(tree).toContain('infrastructure/controllers/nvidia-device-plugin.yaml');
    expect(tree).not.toContain('infrastructure/controllers/notifications.yaml');
    expect(await readFile(join(dir, 'infrastructure/controllers/nvidia-device-plugin.yaml'), 'utf8')).toContain('node.kubernetes.io/gpu: a100');
  });

  it('(d) Ctrl-C at the third question: "Cancelled", exit 130, no folder left', async () => {
    const cwd = await tempDir();
    const term = await startTerminal(['repo'], { cwd });
    await term.waitFor(/◆ {2}Where is the Git repository hosted\?/);
    await term.send('Enter');
    await term.waitFor(/◆ {2}Owner/);
    await term.send('Enter');
    await term.waitFor(/◆ {2}Repository name/);
    await term.send('C-c');
    expect(await term.exitCode()).toBe(130);
    expect(await term.screen()).toContain('Cancelled');
    expect(await listTree(cwd)).toEqual([]);
  });

  it('Escape cancels too, and a re-run with nothing new asks nothing', async () => {
    const cwd = await tempDir();
    expect((await runCli(['repo', '--yes'], { cwd })).exitCode).toBe(0);
    const rerun = await startTerminal(['repo'], { cwd });
    await rerun.waitFor(/already up to date/i);
    expect(await rerun.exitCode()).toBe(0);
    expect(await rerun.screen()).not.toMatch(/^[◆◇▲] {2}.*\?$/m); // no question was shown

    const fresh = await tempDir();
    const term = await startTerminal(['repo'], { cwd: fresh });
    await term.waitFor(/◆ {2}Where is the Git repository hosted\?/);
    await term.send('Escape');
    expect(await term.exitCode()).toBe(130);
    expect(await listTree(fresh)).toEqual([]);
  });

  it('(e) a plain git server: the clone URL is asked, no owner or account kind, and the run finishes', async () => {
    const cwd = await tempDir();
    const term = await startTerminal(['repo', '--no-git'], { cwd, rows: 50 });
    const url = 'ssh://git@git.example.org/geo/gitops.git';
    const asked = await answerAll(term, [
      [/^Where is the Git repository hosted/, ['Down', 'Down', 'Down', 'Down', 'Enter']],
      [/^Clone URL/, [url, 'Enter']],
    ]);
    expect(await term.exitCode(30_000), await term.screen()).toBe(0);
    expect(asked.slice(0, 3)).toEqual(['Where is the Git repository hosted?', 'Clone URL (ssh://… or https://…)', 'Repository name']);
    expect(asked.filter((q) => /Owner|personal account|undefined/.test(q))).toEqual([]);
    const stored = parse(await readFile(join(cwd, 'repo', 'piksel-answers.yaml'), 'utf8')) as { repository: Record<string, unknown> };
    expect(stored.repository).toMatchObject({ provider: 'git', url, name: 'repo' });
  });
});

import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../support/cli.js';
import { closeAllTerminals, hasTmux, startCommand, startTerminal, warnIfNoTmux } from './terminal.js';

// Smoke tests of the terminal harness itself (tmux): it can see, type, fail, and read exit codes.
warnIfNoTmux('the terminal harness tests');

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

describe.skipIf(!hasTmux)('terminal harness', { timeout: 60_000 }, () => {
  afterEach(closeAllTerminals);

  it('runs the built CLI: --help shows the usage and exits 0', async () => {
    const term = await startTerminal(['--help'], { cwd: await tempDir() });
    const screen = await term.waitFor('Usage');
    expect(screen).toContain('create-piksel-gitops');
    expect(await term.exitCode()).toBe(0);
    // The pane stays after the exit: the last screen is still readable.
    expect(await term.screen()).toContain('--yes');
  });

  it('waitFor times out, with the screen in the error, while the command keeps running', async () => {
    const term = await startCommand([process.execPath, fixture('keys.mjs')], { cwd: await tempDir() });
    await term.waitFor('ready');
    const started = Date.now();
    const error: Error = await term.waitFor('text that never appears', 400).then(
      () => expect.unreachable('waitFor should have thrown'),
      (e: Error) => e,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(error.message).toMatch(/waitFor\("text that never appears"\) timed out after 400ms/);
    expect(error.message).toContain('ready'); // the screen as it was
    await expect(term.exitCode(300)).rejects.toThrow(/still running after 300ms[\s\S]*ready/);
  });

  it('waitFor fails at once when the command has exited without showing the text', async () => {
    const term = await startTerminal(['--help'], { cwd: await tempDir() });
    await expect(term.waitFor(/no such text/, 30_000)).rejects.toThrow(/exited \(status 0\) without showing it[\s\S]*Usage/);
  });

  it('gives the command a person’s terminal: TTYs, no CI, the asked size, NO_COLOR, xterm', async () => {
    const term = await startCommand([process.execPath, fixture('keys.mjs')], { cwd: await tempDir(), columns: 100, rows: 30 });
    const screen = await term.waitFor('ready');
    expect(screen).toContain('ci=- stdin=true stdout=true size=100x30 term=xterm-256color no_color=1');
  });

  it('sends named keys and literal text (including key names as text)', async () => {
    const term = await startCommand([process.execPath, fixture('keys.mjs')], { cwd: await tempDir() });
    await term.waitFor('ready');
    await term.send('Down', 'Up', 'Enter', 'Space', 'BSpace', 'Tab');
    await term.waitFor('key tab');
    await term.type('Enter'); // literal: five letters, not the key
    await term.waitFor(/key r\s*$/);
    await term.send('C-a', 'x');
    await term.waitFor(/key x\s*$/);
    await term.send('Escape');
    await term.waitFor('key meta-escape'); // node's readline reports a lone Escape as meta
    const screen = await term.screen();
    const keys = screen.split('\n').filter((l) => l.startsWith('key ')).map((l) => l.slice(4));
    expect(keys).toEqual(['down', 'up', 'return', 'space', 'backspace', 'tab', 'e', 'n', 't', 'e', 'r', 'ctrl-a', 'x', 'meta-escape']);
    await term.type('q');
    expect(await term.exitCode()).toBe(7);
  });

  it('Ctrl-C reaches the command (here it exits 130)', async () => {
    const term = await startCommand([process.execPath, fixture('keys.mjs')], { cwd: await tempDir() });
    await term.waitFor('ready');
    await term.send('C-c');
    expect(await term.exitCode()).toBe(130);
  });

  it('reports death by a signal as 128 + signal', async () => {
    const term = await startCommand(['/bin/sh', '-c', 'echo up; kill -TERM $$'], { cwd: await tempDir() });
    expect(await term.exitCode()).toBe(128 + 15);
  });

  it('quotes arguments: spaces, quotes and $ reach the command unchanged', async () => {
    const odd = `it's "quoted" $HOME \\ * ;`;
    const term = await startCommand([process.execPath, '-e', 'console.log(JSON.stringify(process.argv.slice(1)))', odd], { cwd: await tempDir() });
    await term.waitFor(JSON.stringify([odd]));
    expect(await term.exitCode()).toBe(0);
  });

  it('drives @clack/prompts: text, select, multiselect, confirm', async () => {
    const term = await startCommand([process.execPath, fixture('clack-demo.mjs')], { cwd: await tempDir() });
    await term.waitFor('Project name?');
    await term.send('Enter'); // empty: clack shows the validation error and stays
    await term.waitFor('a name is required');
    await term.type('acme');
    await term.send('Enter');
    await term.waitFor('Which cloud?');
    await term.send('Down', 'Enter');
    await term.waitFor('Which extras?');
    await term.send('Down', 'Space', 'Down', 'Space', 'Enter');
    await term.waitFor('Write it?');
    // Yes is the default; in clack's confirm every arrow key flips the answer: two flips keep it.
    await term.send('Right', 'Left', 'Enter');
    const screen = await term.waitFor('answers {');
    expect(screen).toContain('answers {"name":"acme","cloud":"gcp","extras":["jupyter","ows"],"go":true}');
    expect(await term.exitCode()).toBe(0);
  });

  it('drives @clack/prompts: Ctrl-C cancels', async () => {
    const term = await startCommand([process.execPath, fixture('clack-demo.mjs')], { cwd: await tempDir() });
    await term.waitFor('Project name?');
    await term.type('half');
    await term.send('C-c');
    await term.waitFor('cancelled');
    expect(await term.exitCode()).toBe(130);
  });

  it('keeps parallel terminals apart', async () => {
    const cwd = await tempDir();
    const terms = await Promise.all([1, 2, 3].map(() => startCommand([process.execPath, fixture('keys.mjs')], { cwd })));
    await Promise.all(terms.map((t) => t.waitFor('ready')));
    await Promise.all(terms.map((t, i) => t.type(String(i))));
    await Promise.all(terms.map((t, i) => t.waitFor(`key ${i}`)));
    for (const [i, t] of terms.entries()) {
      const keys = (await t.screen()).split('\n').filter((l) => l.startsWith('key '));
      expect(keys).toEqual([`key ${i}`]);
    }
  });

  it('close() ends the command and is idempotent', async () => {
    const term = await startCommand([process.execPath, fixture('keys.mjs')], { cwd: await tempDir() });
    await term.waitFor('ready');
    await term.close();
    await term.close();
    await expect(term.screen()).rejects.toThrow(/closed/);
  });
});

import { shellQuote } from '../../src/bootstrap/command-line.js';
/**
 * Drives a real command in a real pseudo-terminal, as a person at a keyboard would, through tmux.
 *
 * Every terminal is its own tmux server (its own socket in its own temp folder, no user config), so
 * tests running in parallel never see each other. The pane stays after the command exits
 * (remain-on-exit), so the last screen can still be read and the exit status comes from tmux.
 *
 *   const term = await startTerminal(['my-dir'], { cwd });
 *   try {
 *     await term.waitFor('Repository owner');   // always wait for a prompt before typing into it
 *     await term.type('acme');
 *     await term.send('Enter');
 *     expect(await term.exitCode()).toBe(0);
 *   } finally {
 *     await term.close();
 *   }
 */
import { execa, execaSync, type ResultPromise } from 'execa';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from '../support/cli.js';

export interface Terminal {
  /**
   * Presses keys. Known tmux key names are keys (Enter, Escape, Tab, BTab, Space, BSpace, Up, Down,
   * Left, Right, Home, End, PageUp, PageDown, DC, IC, F1…F12, C-x, M-x); anything else is typed literally.
   */
  send(...keys: string[]): Promise<void>;
  /** Types text literally (no key-name interpretation). */
  type(text: string): Promise<void>;
  /**
   * Polls the screen (with scrollback, wrapped lines joined) until it contains text / matches the
   * pattern, and returns that screen. Throws with the screen in the message on timeout, and at once
   * if the command has exited without it appearing (the screen cannot change any more).
   */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<string>;
  /** Waits until the screen has not changed for quietMs (e.g. after a key, before asserting on the screen). */
  waitForStable(quietMs?: number, timeoutMs?: number): Promise<string>;
  /** The screen now: scrollback and visible rows, wrapped lines joined, trailing blanks trimmed. */
  screen(): Promise<string>;
  /** Waits for the command to finish; its exit status (128 + signal number when a signal ended it). */
  exitCode(timeoutMs?: number): Promise<number>;
  /** Ends the command and the tmux server, removes the temp folder. Idempotent. */
  close(): Promise<void>;
}

export interface TerminalOptions {
  readonly cwd: string;
  /** Added to the environment; undefined removes a variable. CI, ACCESSIBLE, FORCE_COLOR are always removed first. */
  readonly env?: Record<string, string | undefined>;
  readonly columns?: number;
  readonly rows?: number;
  /** Redirects the command's stdin from this file (e.g. '/dev/null') instead of the terminal. */
  readonly stdin?: string;
  /** Redirects the command's stdout to this file instead of the terminal. */
  readonly stdout?: string;
}

const DEFAULT_WAIT_MS = 10_000;
const POLL_MS = 50;
/** Each tmux client call: a hung tmux must fail the test, not stall it. */
const TMUX_CALL_MS = 10_000;

interface TmuxInfo {
  readonly available: boolean;
  readonly version: string;
  /** `tmux -D` (3.2+): run the server as our own child process instead of a daemon. */
  readonly foreground: boolean;
}

function probeTmux(): TmuxInfo {
  try {
    const result = execaSync('tmux', ['-V'], { reject: false, timeout: 5_000 });
    if (result.exitCode !== 0) return { available: false, version: '', foreground: false };
    const version = String(result.stdout).trim();
    const m = /(\d+)\.(\d+)/.exec(version);
    const foreground = m ? Number(m[1]) > 3 || (Number(m[1]) === 3 && Number(m[2]) >= 2) : true; // "tmux master"/"next"
    return { available: true, version, foreground };
  } catch {
    return { available: false, version: '', foreground: false };
  }
}

const TMUX = probeTmux();
export const hasTmux: boolean = TMUX.available;

/** For `describe.skipIf(!hasTmux)`: says out loud why the terminal tests did not run. */
export function warnIfNoTmux(what: string): void {
  if (!hasTmux) console.warn(`⚠ tmux is not installed: skipping ${what} (install tmux to run the terminal end-to-end tests)`);
}

const KEY_NAME =
  /^(Enter|Escape|Tab|BTab|Space|BSpace|Up|Down|Left|Right|Home|End|PageUp|PageDown|PgUp|PgDn|PPage|NPage|DC|IC|F([1-9]|1[0-2])|[CM]-.)$/;

/** The environment of a person at a terminal: no CI, no colour, an xterm. */
function terminalEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of ['CI', 'ACCESSIBLE', 'FORCE_COLOR', 'TMUX', 'TMUX_PANE']) delete env[name];
  Object.assign(env, { NO_COLOR: '1', TERM: 'xterm-256color' }, extra);
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

const CONFIG = [
  'set -g status off', // all rows are the pane's
  'set -g remain-on-exit on', // keep the last screen and the exit status
  'set -g history-limit 100000',
  'set -g default-terminal xterm-256color', // the pane's TERM
  'set -g default-shell /bin/sh', // runs the command line below, whatever the user's shell
  'set -g exit-empty off',
  '',
].join('\n');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * capture-pane output → lines without trailing spaces, no trailing empty lines, and without the
 * "Pane is dead (status 0, <date>)" line tmux adds after the exit (not the command's output).
 */
const tidy = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n+$/, '')
    .replace(/(^|\n)Pane is dead \((status|signal) \d+, [^)\n]*\)$/, '')
    .replace(/\n+$/, '');

const framed = (screen: string) => `┌${'─'.repeat(40)}\n${screen.replace(/^/gm, '│')}\n└${'─'.repeat(40)}`;

const open = new Set<Terminal>();

/** Closes every terminal not closed yet: `afterEach(closeAllTerminals)`. */
export async function closeAllTerminals(): Promise<void> {
  await Promise.all([...open].map((t) => t.close()));
}

/** Runs the built CLI (`node bin/create-piksel-gitops.js ...args`) in a fresh terminal. */
export function startTerminal(args: readonly string[], opts: TerminalOptions): Promise<Terminal> {
  return startCommand([process.execPath, BIN, ...args], opts);
}

/** Runs any command (argv, no shell interpretation of its words) in a fresh terminal. */
export async function startCommand(argv: readonly string[], opts: TerminalOptions): Promise<Terminal> {
  if (!hasTmux) throw new Error('tmux is not installed');
  if (argv.length === 0) throw new Error('startCommand: empty argv');
  const dir = await mkdtemp(join(tmpdir(), 'e2e-tmux-'));
  const socket = join(dir, 'sock');
  const config = join(dir, 'tmux.conf');
  await writeFile(config, CONFIG);
  const env = terminalEnv(opts.env);

  const tmux = (args: readonly string[]) =>
    execa('tmux', ['-u', '-S', socket, ...args], { env, extendEnv: false, stdin: 'ignore', reject: false, timeout: TMUX_CALL_MS });

  let server: ResultPromise | undefined;
  let pane = '';
  let closed = false;

  const close = async () => {
    if (closed) return;
    closed = true;
    open.delete(terminal);
    await tmux(['kill-server']); // SIGHUP to the command; fails harmlessly when already gone
    if (server) {
      const exited = await Promise.race([server.then(() => true), sleep(5_000).then(() => false)]);
      if (!exited) server.kill('SIGKILL');
      await server.catch(() => undefined);
    }
    await rm(dir, { recursive: true, force: true });
  };

  // The command line the pane runs: exec, so the command itself is the pane's process.
  const command =
    'exec ' +
    argv.map(shellQuote).join(' ') +
    (opts.stdin !== undefined ? ` < ${shellQuote(opts.stdin)}` : '') +
    (opts.stdout !== undefined ? ` > ${shellQuote(opts.stdout)}` : '');
  const newSession = ['new-session', '-d', '-x', String(opts.columns ?? 80), '-y', String(opts.rows ?? 40), '-c', opts.cwd, '-P', '-F', '#{pane_id}', command];

  const terminal: Terminal = {
    send: async (...keys) => {
      // Runs of key names go in one send-keys; anything else is typed literally (-l).
      let names: string[] = [];
      const flush = async () => {
        if (names.length > 0) await sendKeys(names);
        names = [];
      };
      for (const key of keys) {
        if (KEY_NAME.test(key)) names.push(key);
        else {
          await flush();
          if (key !== '') await sendKeys(['-l', '--', key]);
        }
      }
      await flush();
    },
    type: async (text) => {
      if (text !== '') await sendKeys(['-l', '--', text]);
    },
    screen: async () => (await poll()).screen,
    waitFor: async (text, timeoutMs = DEFAULT_WAIT_MS) => {
      const matches = (s: string) => (typeof text === 'string' ? s.includes(text) : new RegExp(text.source, text.flags.replace('g', '')).test(s));
      const what = typeof text === 'string' ? JSON.stringify(text) : String(text);
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { screen, dead, status } = await poll();
        if (matches(screen)) return screen;
        // Exited (and reaped: the screen is final) without showing it: waiting longer cannot help.
        if (dead && status !== undefined) throw new Error(`waitFor(${what}): the command exited (status ${status}) without showing it. Screen:\n${framed(screen)}`);
        if (Date.now() > deadline) throw new Error(`waitFor(${what}) timed out after ${timeoutMs}ms. Screen:\n${framed(screen)}`);
        await sleep(POLL_MS);
      }
    },
    waitForStable: async (quietMs = 250, timeoutMs = DEFAULT_WAIT_MS) => {
      const deadline = Date.now() + timeoutMs;
      let last = (await poll()).screen;
      let since = Date.now();
      for (;;) {
        await sleep(POLL_MS);
        const { screen } = await poll();
        if (screen !== last) [last, since] = [screen, Date.now()];
        else if (Date.now() - since >= quietMs) return screen;
        if (Date.now() > deadline) throw new Error(`waitForStable(${quietMs}ms) timed out after ${timeoutMs}ms. Screen:\n${framed(screen)}`);
      }
    },
    exitCode: async (timeoutMs = DEFAULT_WAIT_MS) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { dead, status, screen } = await poll();
        // The pane can read EOF (dead) a moment before tmux has reaped the process (status known).
        if (dead && status !== undefined) return status;
        if (Date.now() > deadline) throw new Error(`exitCode(): the command was still running after ${timeoutMs}ms. Screen:\n${framed(screen)}`);
        await sleep(POLL_MS);
      }
    },
    close,
  };

  async function sendKeys(args: readonly string[]): Promise<void> {
    if (closed) throw new Error('terminal is closed');
    const r = await tmux(['send-keys', '-t', pane, ...args]);
    if (r.exitCode !== 0) throw new Error(`tmux send-keys ${args.join(' ')} failed: ${String(r.stderr).trim()}`);
  }

  /** One tmux call: is the command dead (and how), then the screen, read in that order. */
  async function poll(): Promise<{ dead: boolean; status: number | undefined; screen: string }> {
    if (closed) throw new Error('terminal is closed');
    const r = await tmux([
      'display-message', '-p', '-t', pane, '#{pane_dead}|#{pane_dead_status}|#{pane_dead_signal}|#{pid}', ';',
      'capture-pane', '-p', '-J', '-S', '-', '-E', '-', '-t', pane,
    ]); // prettier-ignore
    const out = String(r.stdout);
    if (r.exitCode !== 0) throw new Error(`tmux capture failed (${r.exitCode}): ${String(r.stderr).trim()}`);
    const nl = out.indexOf('\n');
    const [dead, status, signal, pid] = (nl < 0 ? out : out.slice(0, nl)).split('|');
    const code = status ? Number(status) : signal ? 128 + Number(signal) : undefined;
    if (dead === '1' && code === undefined && pid) {
      // The pane's pty is closed but tmux has not reaped the process. tmux built with libutempter
      // (Debian, Ubuntu) can miss the SIGCHLD (tmux/tmux#311, #4559, worst with -D) and then never
      // learns the status: a SIGCHLD to our own server makes it call waitpid() again.
      try {
        process.kill(Number(pid), 'SIGCHLD');
      } catch {
        // gone already
      }
    }
    return { dead: dead === '1', status: code, screen: tidy(nl < 0 ? '' : out.slice(nl + 1)) };
  }

  open.add(terminal);
  try {
    if (TMUX.foreground) {
      // Our own child: no daemon(), which some sandboxes refuse (e.g. when /dev/null is not a device).
      server = execa('tmux', ['-u', '-D', '-S', socket, '-f', config], {
        env,
        extendEnv: false,
        stdin: 'ignore',
        stdout: 'ignore',
        stderr: 'pipe',
        reject: false,
        cleanup: true,
      });
      const deadline = Date.now() + TMUX_CALL_MS;
      for (;;) {
        const ready = await stat(socket).then((s) => s.isSocket(), () => false);
        if (ready && (await tmux(['list-sessions'])).exitCode === 0) break;
        if (server.exitCode !== null || Date.now() > deadline) {
          server.kill();
          const result = await server;
          throw new Error(`tmux server did not start: ${String(result.stderr).trim() || `exit ${result.exitCode}`}`);
        }
        await sleep(20);
      }
      const r = await tmux(newSession);
      if (r.exitCode !== 0) throw new Error(`tmux new-session failed: ${String(r.stderr).trim()}`);
      pane = String(r.stdout).trim();
    } else {
      const r = await tmux(['-f', config, ...newSession]);
      if (r.exitCode !== 0) throw new Error(`tmux new-session failed: ${String(r.stderr).trim()}`);
      pane = String(r.stdout).trim();
    }
  } catch (e) {
    await close();
    throw e;
  }
  return terminal;
}

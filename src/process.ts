import { readFile } from 'node:fs/promises';
import { execa } from 'execa';

/**
 * The one way this tool runs flux, git and kubectl: an argument array (never a shell), an
 * explicit environment, stdin closed unless input is given. Tests swap the PATH, not this code.
 */
export interface RunOptions {
  readonly cwd?: string;
  /** Extra environment (e.g. a token); merged over the process environment. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Text written to the child's stdin (e.g. a Secret manifest); stdin is closed otherwise. */
  readonly input?: string;
  readonly timeoutMs?: number;
  /** Called with each line of stdout/stderr as it arrives (for a task log). */
  readonly onLine?: (line: string) => void;
  readonly signal?: AbortSignal;
  /** The child is killed once its resident memory passes this many bytes (Linux and macOS; see watchMemory). */
  readonly maxMemoryBytes?: number;
}

export interface RunResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The command could not be started (ENOENT: not on PATH). */
  readonly notFound: boolean;
  /** The signal that ended it (killed: out of memory, a timeout, maxMemoryBytes); absent when it exited on its own. */
  readonly signal?: string;
  /** It was killed for passing maxMemoryBytes. */
  readonly outOfMemory?: boolean;
}

export type ProcessRunner = (command: string, args: readonly string[], options?: RunOptions) => Promise<RunResult>;

export const runProcess: ProcessRunner = async (command, args, options = {}) => {
  const child = execa(command, [...args], {
    cwd: options.cwd,
    env: options.env,
    input: options.input,
    stdin: options.input === undefined ? 'ignore' : 'pipe',
    timeout: options.timeoutMs,
    cancelSignal: options.signal,
    reject: false,
    stripFinalNewline: false,
  });
  const watch = options.maxMemoryBytes === undefined || child.pid === undefined ? undefined : watchMemory(child.pid, options.maxMemoryBytes, () => child.kill('SIGKILL'));
  const flushes: Array<() => void> = [];
  if (options.onLine) {
    for (const stream of [child.stdout, child.stderr]) if (stream) flushes.push(forwardLines(stream, options.onLine));
  }
  const result = await child;
  watch?.stop();
  flushes.forEach((flush) => flush());
  const notFound = (result as { code?: string }).code === 'ENOENT';
  return {
    exitCode: result.exitCode ?? (notFound ? 127 : 1),
    stdout: String(result.stdout ?? ''),
    stderr: String(result.stderr ?? ''),
    notFound,
    ...(result.signal ? { signal: result.signal } : {}),
    ...(watch?.exceeded() ? { outOfMemory: true } : {}),
  };
};

/**
 * Kills a child whose resident memory passes `limit`, looked at every 100 ms: a hard bound where the
 * Go runtime's GOMEMLIMIT is only a target (a YAML alias bomb of 1 KB grows kubectl by 150 MB a
 * second). Linux reads VmRSS from /proc; macOS asks `ps` (only for children that live past half
 * a second: most kubectl runs end before); elsewhere nothing is watched.
 */
function watchMemory(pid: number, limit: number, kill: () => void): { stop: () => void; exceeded: () => boolean } {
  let exceeded = false;
  let ticks = 0;
  const rssBytes = async (): Promise<number | undefined> => {
    if (process.platform === 'linux') {
      const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
      const kb = /^VmRSS:\s*(\d+)\s*kB/m.exec(status)?.[1];
      return kb === undefined ? undefined : Number(kb) * 1024;
    }
    if (process.platform === 'darwin' && ticks % 5 === 0) {
      const ps = await execa('ps', ['-o', 'rss=', '-p', String(pid)], { reject: false });
      return Number(String(ps.stdout).trim()) * 1024 || undefined;
    }
    return undefined;
  };
  const timer = setInterval(() => {
    ticks++;
    void rssBytes().then((rss) => {
      if (rss !== undefined && rss > limit && !exceeded) {
        exceeded = true;
        kill();
      }
    });
  }, 100);
  timer.unref();
  return { stop: () => clearInterval(timer), exceeded: () => exceeded };
}

/** Calls onLine once per complete line (a chunk may end mid-line); returns a flush for the tail. */
function forwardLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): () => void {
  let pending = '';
  stream.on('data', (chunk: Buffer | string) => {
    const lines = (pending + chunk.toString()).split(/\r?\n/);
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') onLine(line);
  });
  return () => {
    if (pending.trim() !== '') onLine(pending);
    pending = '';
  };
}

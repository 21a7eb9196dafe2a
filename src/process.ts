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
}

export interface RunResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The command could not be started (ENOENT: not on PATH). */
  readonly notFound: boolean;
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
  const flushes: Array<() => void> = [];
  if (options.onLine) {
    for (const stream of [child.stdout, child.stderr]) if (stream) flushes.push(forwardLines(stream, options.onLine));
  }
  const result = await child;
  flushes.forEach((flush) => flush());
  const notFound = (result as { code?: string }).code === 'ENOENT';
  return { exitCode: result.exitCode ?? (notFound ? 127 : 1), stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? ''), notFound };
};

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

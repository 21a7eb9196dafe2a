import { styleText } from 'node:util';
import { cancelled, isPikselError } from '../errors.js';

/**
 * A spinner drawn like the prompts' own (◒ while working, ◇ when done), that turns Ctrl-C into an
 * abort of the work instead of an exit.
 *
 * Why not @clack/prompts' spinner: it puts the terminal in raw mode and, on Ctrl-C, calls
 * `process.exit(0)` itself, so the run ended with exit 0 and its staging folder left behind. Here
 * Ctrl-C (a 0x03 byte in raw mode, or SIGINT/SIGTERM) aborts the signal `work` is given; `work`
 * stops, removes what it staged and throws, and the spinner ends with "Cancelled" (exit 130).
 */
export async function withSpinner<T>(
  message: string,
  done: string,
  work: (signal: AbortSignal) => Promise<T>,
  streams: { input: NodeJS.ReadStream; output: NodeJS.WriteStream } = { input: process.stdin, output: process.stdout },
): Promise<T> {
  const { input, output } = streams;
  const controller = new AbortController();
  const abort = () => controller.abort();
  const onData = (chunk: Buffer | string) => {
    if (String(chunk).includes('\x03')) abort();
  };
  const frames = ['◒', '◐', '◓', '◑'];
  let frame = 0;
  const draw = () => output.write(`\r\x1b[2K${styleText('magenta', frames[frame++ % frames.length]!)}  ${message}`);

  const wasRaw = input.isTTY ? input.isRaw : false;
  if (input.isTTY) input.setRawMode(true);
  input.on('data', onData);
  input.resume();
  process.on('SIGINT', abort).on('SIGTERM', abort);
  output.write(`${styleText('gray', '│')}\n\x1b[?25l`);
  draw();
  const timer = setInterval(draw, 80);

  const end = (line: string) => {
    clearInterval(timer);
    process.off('SIGINT', abort).off('SIGTERM', abort);
    input.off('data', onData);
    if (input.isTTY) input.setRawMode(wasRaw);
    input.pause();
    output.write(`\r\x1b[2K${line}\n\x1b[?25h`);
  };

  try {
    const result = await work(controller.signal);
    end(`${styleText('green', '◇')}  ${done}`);
    return result;
  } catch (e) {
    if (controller.signal.aborted) {
      end(`${styleText('red', '■')}  Cancelled`);
      // Whatever the aborted work threw (a killed kubectl reads as a failed check), the person cancelled.
      throw isPikselError(e) && e.kind !== 'cancelled' && e.kind !== 'step' ? e : cancelled(true);
    }
    end(`${styleText('red', '▲')}  Failed`);
    throw e;
  }
}

/** A promise that rejects with `cancelled()` once `signal` aborts: race slow work against it. */
export function whenAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(cancelled(true));
    else signal.addEventListener('abort', () => reject(cancelled(true)), { once: true });
  });
}

/**
 * `work`, unless `signal` aborts first: then `cancelled()` at once for the person, after giving
 * the work (whose processes the signal kills) a moment to settle, so its own clean-up (temp
 * folders, staging) runs before the process exits.
 */
export async function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined, settleMs = 3_000): Promise<T> {
  if (!signal) return work;
  try {
    return await Promise.race([work, whenAborted(signal)]);
  } catch (e) {
    if (!signal.aborted) throw e;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([work.catch(() => undefined), new Promise((r) => (timer = setTimeout(r, settleMs)))]);
    clearTimeout(timer);
    throw cancelled(true);
  }
}

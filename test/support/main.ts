import { vi } from 'vitest';
import { main } from '../../src/cli.js';
import type { CliRun } from './cli.js';

/**
 * The CLI in this process (main(argv), the whole program but the `node bin/…` start): exit code
 * and what it printed, as runCli gives them for the built binary, without a terminal and with CI
 * set. For the many cases of a command; a few end-to-end cases per command keep runCli.
 */
export async function runMain(args: readonly string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
  const ci = process.env.CI;
  process.env.CI = 'true';
  try {
    const exitCode = await main(args);
    return { exitCode, stdout: out.join(''), stderr: err.join('') };
  } finally {
    if (ci === undefined) delete process.env.CI;
    else process.env.CI = ci;
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

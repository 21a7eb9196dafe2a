import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { runProcess, type ProcessRunner } from '../../src/process.js';

/** The real kubectl (and every other process), with the `kubectl kustomize` runs counted. */
export function countingRunner(): ProcessRunner & { kustomizeRuns: number } {
  const runner = Object.assign(
    async (command: string, args: readonly string[], options?: Parameters<ProcessRunner>[2]) => {
      if (command === 'kubectl' && args[0] === 'kustomize') runner.kustomizeRuns++;
      return runProcess(command, args, options);
    },
    { kustomizeRuns: 0 },
  );
  return runner;
}

/** A fresh cache folder per call, all under one temporary folder that goes when the file is done. */
export function cacheFolders(prefix: string): () => string {
  let root = '';
  let count = 0;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), prefix));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));
  return () => join(root, String(count++));
}

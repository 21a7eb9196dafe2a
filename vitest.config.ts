import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Tests run whole CLI processes, git and kubectl: give them room on a 2-core machine.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    globalSetup: ['test/support/cache-home.ts'],
    // vitest's default for `run` is one worker fewer than the cores: a single worker on a 2-core
    // machine, which leaves a core idle while a file waits for the processes it starts or for a
    // terminal screen to settle (e2e/interactive sleeps most of its half minute). One worker more
    // than the cores keeps both busy. Forks: test/safety changes the working directory, which
    // worker threads cannot.
    maxWorkers: availableParallelism() + 1,
  },
});

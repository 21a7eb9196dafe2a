import { defineConfig } from 'vitest/config';

// Tests run whole CLI processes, git and kubectl: give them room on a 2-core machine.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    globalSetup: ['test/support/cache-home.ts'],
  },
});

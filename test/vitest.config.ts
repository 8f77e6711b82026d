import { defineConfig } from 'vitest/config';

// Tests start real processes, sockets and (for docker/) containers on a 2-core machine: generous timeouts,
// and files in separate forks so that a crashed child never takes another file's state with it.
export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
  },
});

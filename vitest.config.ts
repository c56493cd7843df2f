import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    // Tests talk to real Postgres, Redis and HTTP servers: give them room on a busy 2-core box.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Mostly I/O-bound files, each with its own schema and Redis prefix: run several at once.
    maxWorkers: 4,
  },
});

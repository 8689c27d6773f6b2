import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most files wait on child processes and loopback servers: two at once on a 2-core machine (vitest's
    // default here would be one, cores - 1).
    maxWorkers: 2,
  },
});

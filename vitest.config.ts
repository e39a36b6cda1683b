import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';

// Test files wait on Postgres and on CLI processes most of the time, and each has its own
// databases, so two run at once even on 2 cores (where vitest's default is one): the whole
// suite took 4.4 minutes that way at load 4–5.
const forks = Math.max(2, availableParallelism() - 1);

export default defineConfig({
  test: {
    globalSetup: ['test/support/global-setup.ts'],
    include: ['test/**/*.test.ts'],
    // The Docker lane (`npm run test:docker`, vitest.docker.config.ts) needs dockerd and an image.
    exclude: [...configDefaults.exclude, 'test/docker/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    poolOptions: { forks: { minForks: forks, maxForks: forks } },
  },
});

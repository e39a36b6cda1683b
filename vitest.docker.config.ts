import { defineConfig } from 'vitest/config';

/**
 * `npm run test:docker` (scripts/test-docker.mjs): the Docker lane, kept out of `npm test`.
 * The script sets TEST_DATABASE=docker:IMAGE, so the suite's server is a container too.
 */
export default defineConfig({
  test: {
    globalSetup: ['test/support/global-setup.ts'],
    include: ['test/docker/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});

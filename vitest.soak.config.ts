import { defineConfig } from 'vitest/config';

/** `npm run soak`: the long fault loop, kept out of `npm test` (SOAK_MINUTES, SOAK_TENANTS, PGFLEET_FAULT_SEED). */
export default defineConfig({
  test: {
    globalSetup: ['test/support/global-setup.ts'],
    include: ['test/soak/**/*.soak.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});

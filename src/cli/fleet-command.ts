import { Flags } from '@oclif/core';

/** The flags migrate and rollback share; what they do is bodies/fleet-run.ts. */
export const fleetFlags = {
  shared: Flags.boolean({ description: 'only the shared schema', exclusive: ['tenant', 'schema'] }),
  tenant: Flags.boolean({ description: 'only the tenant schemas', exclusive: ['shared', 'schema'] }),
  schema: Flags.string({ description: 'only this schema', exclusive: ['shared', 'tenant'] }),
  concurrency: Flags.integer({ description: 'tenant schemas at a time (default: pgfleet.yaml, 4)', min: 1, max: 256 }),
  'fail-fast': Flags.boolean({ description: 'start no new schema after the first failure' }),
  'lock-timeout': Flags.integer({
    description:
      'lock_timeout of every statement, in ms (default: pgfleet.yaml locks.timeoutMs, 1000); a statement that times out is retried with jittered backoff until locks.budgetMs (2 min) is spent',
    min: 1,
  }),
};

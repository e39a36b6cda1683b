import { Flags } from '@oclif/core';
import { type FleetProject, loadFleetProject } from '../api/project.js';
import type { RunOptions, RunResult } from '../fleet/index.js';
import { progressBar } from '../ui/progress.js';
import { runPlan, runSummary } from '../ui/run-summary.js';
import type { BaseCommand } from './base.js';

export const fleetFlags = {
  shared: Flags.boolean({ description: 'only the shared schema', exclusive: ['tenant', 'schema'] }),
  tenant: Flags.boolean({ description: 'only the tenant schemas', exclusive: ['shared', 'schema'] }),
  schema: Flags.string({ description: 'only this schema', exclusive: ['shared', 'tenant'] }),
  concurrency: Flags.integer({ description: 'tenant schemas at a time (default: pgfleet.yaml, 4)', min: 1, max: 256 }),
  'fail-fast': Flags.boolean({ description: 'start no new schema after the first failure' }),
  'lock-timeout': Flags.integer({
    description: 'lock_timeout for each schema, in ms; a busy schema is retried',
    default: 5000,
    min: 1,
  }),
};

export const onlyOf = (flags: { shared?: boolean; tenant?: boolean; schema?: string }) =>
  flags.schema !== undefined
    ? { schema: flags.schema }
    : flags.shared
      ? { scope: 'shared' as const }
      : flags.tenant
        ? { scope: 'tenant' as const }
        : undefined;

type FleetFlags = {
  shared?: boolean;
  tenant?: boolean;
  schema?: string;
  plan?: boolean;
  concurrency?: number;
  'fail-fast'?: boolean;
  'lock-timeout': number;
  config: string;
  'database-url'?: string;
};

/**
 * What migrate and rollback share: load the project, run with a progress bar, print the
 * plan or the summary, exit 1 when a schema failed or was locked.
 */
export async function runFleetCommand(
  command: BaseCommand & { jsonEnabled(): boolean },
  flags: FleetFlags,
  run: (
    project: FleetProject,
    options: Pick<RunOptions, 'only' | 'planOnly' | 'failFast' | 'lockTimeoutMs' | 'onProgress'> & {
      concurrency?: number;
      onNotice?: (message: string) => void;
    },
  ) => Promise<RunResult>,
): Promise<RunResult> {
  const project = await loadFleetProject({ configPath: flags.config, databaseUrl: flags['database-url'] });
  const bar = progressBar(!command.jsonEnabled() && !flags.plan);
  const result = await run(project, {
    only: onlyOf(flags),
    planOnly: flags.plan,
    concurrency: flags.concurrency,
    failFast: flags['fail-fast'],
    lockTimeoutMs: flags['lock-timeout'],
    onProgress: bar.onProgress,
    // Waiting for (or taking over) a dead run's lock: said at once, on stderr.
    onNotice: (message) => process.stderr.write(`pgfleet: ${message}\n`),
  }).finally(() => bar.stop());
  if (!command.jsonEnabled()) command.log(flags.plan ? runPlan(result) : runSummary(result));
  if (result.summary.failed + result.summary.locked > 0) process.exitCode = 1;
  return result;
}

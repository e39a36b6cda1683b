import { Flags } from '@oclif/core';
import { migrate } from '../api/fleet.js';
import type { Project } from '../api/project.js';
import { loadProject } from '../api/project.js';
import type { RunOptions, RunResult } from '../fleet/index.js';
import { progressBar } from '../ui/progress.js';
import { runPlan, runSummary } from '../ui/run-summary.js';
import { BaseCommand } from './base.js';

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
    project: Project,
    options: Pick<RunOptions, 'only' | 'planOnly' | 'failFast' | 'lockTimeoutMs' | 'onProgress'> & {
      concurrency?: number;
    },
  ) => Promise<RunResult>,
): Promise<RunResult> {
  const project = await loadProject({ configPath: flags.config, databaseUrl: flags['database-url'] });
  const bar = progressBar(!command.jsonEnabled() && !flags.plan);
  const result = await run(project, {
    only: onlyOf(flags),
    planOnly: flags.plan,
    concurrency: flags.concurrency,
    failFast: flags['fail-fast'],
    lockTimeoutMs: flags['lock-timeout'],
    onProgress: bar.onProgress,
  }).finally(() => bar.stop());
  if (!command.jsonEnabled()) command.log(flags.plan ? runPlan(result) : runSummary(result));
  if (result.summary.failed + result.summary.locked > 0) process.exitCode = 1;
  return result;
}

export default class Migrate extends BaseCommand {
  static summary = 'Apply pending migrations: the shared schema first, then every tenant schema.';
  static description =
    `Each schema's migrations run in their own transaction with their history rows; a schema whose tables are busy is retried after lock_timeout. A failing tenant does not stop the others (unless --fail-fast); the run ends with every failed schema, its migration and the Postgres error, and exits 1. Rerunning resumes: only pending work runs.`;
  static examples = [
    '<%= config.bin %> migrate',
    '<%= config.bin %> migrate --tenant --concurrency 8',
    '<%= config.bin %> migrate --plan',
    '<%= config.bin %> migrate --schema tenant_acme --to 0004',
  ];

  static flags = {
    ...fleetFlags,
    to: Flags.string({ description: 'apply migrations up to this version' }),
    fake: Flags.boolean({ description: 'record migrations as applied without running them' }),
    plan: Flags.boolean({ description: 'show what would run; run nothing' }),
  };

  async run(): Promise<RunResult> {
    const { flags } = await this.parse(Migrate);
    return runFleetCommand(this, flags, (project, options) =>
      migrate(project, { ...options, to: flags.to, fake: flags.fake }),
    );
  }
}

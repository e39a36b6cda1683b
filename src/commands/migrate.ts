import { Flags } from '@oclif/core';
import { migrate } from '../api/fleet.js';
import { BaseCommand } from '../cli/base.js';
import { fleetFlags, runFleetCommand } from '../cli/fleet-command.js';
import type { RunResult } from '../fleet/index.js';

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
    'allow-hazards': Flags.string({
      description:
        'hazard kinds to run besides pgfleet.yaml allowHazards (default index_build, validates), comma-separated: blocks_writes, blocks_reads, rewrites_table, deletes_data, irreversible',
    }),
  };

  async run(): Promise<RunResult> {
    const { flags } = await this.parse(Migrate);
    return runFleetCommand(this, flags, (project, options) =>
      migrate(project, {
        ...options,
        to: flags.to,
        fake: flags.fake,
        allowHazards: flags['allow-hazards']
          ?.split(',')
          .map((k) => k.trim())
          .filter((k) => k !== ''),
      }),
    );
  }
}

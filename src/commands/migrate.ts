import { Flags } from '@oclif/core';
import type { MigrateResult } from '../api/fleet.js';
import { BaseCommand } from '../cli/base.js';
import { migrate } from '../cli/bodies/migrate.js';
import { fleetFlags } from '../cli/fleet-command.js';
import type { PreflightResult } from '../fleet/preflight/run-preflight.js';

export default class Migrate extends BaseCommand {
  static summary = 'Apply pending migrations: the shared schema first, then every tenant schema.';
  static description =
    `Each schema's migrations run in their own transaction with their history rows; a schema whose tables are busy is retried after lock_timeout. A failing tenant does not stop the others (unless --fail-fast); the run ends with every failed schema, its migration and the Postgres error, and exits 1. Rerunning resumes: only pending work runs.

With rollout: in pgfleet.yaml the tenants go in waves (canary first): a wave with failures over its budget ends the run before the next wave (exit 1), a pause: true wave ends it after itself (exit 0); the next migrate carries on. --wave NAME runs up to and including that wave.

--preflight runs nothing: for every pending statement whose success depends on data (a new UNIQUE or primary key, NOT NULL, CHECK, FOREIGN KEY, a removed enum value, a narrowing type change), it counts each schema's offending rows in a read-only transaction and exits 1 when any schema would fail. With --wave NAME it checks only what migrate --wave NAME would run.`;
  static examples = [
    '<%= config.bin %> migrate',
    '<%= config.bin %> migrate --tenant --concurrency 8',
    '<%= config.bin %> migrate --plan',
    '<%= config.bin %> migrate --plan --format markdown >> "$GITHUB_STEP_SUMMARY"',
    '<%= config.bin %> migrate --preflight',
    '<%= config.bin %> migrate --preflight --wave canary',
    '<%= config.bin %> migrate --wave canary',
    '<%= config.bin %> migrate --schema tenant_acme --to 0004',
  ];

  static flags = {
    ...fleetFlags,
    to: Flags.string({ description: 'apply migrations up to this version' }),
    fake: Flags.boolean({ description: 'record migrations as applied without running them' }),
    plan: Flags.boolean({ description: 'show what would run (per wave with rollout:); run nothing' }),
    wave: Flags.string({
      description: 'with rollout: waves, run (or with --preflight, check) up to and including this wave',
    }),
    preflight: Flags.boolean({
      description: 'report the schemas whose data would make a pending migration fail; read-only, runs nothing',
      exclusive: ['plan', 'fake'],
    }),
    'statement-timeout': Flags.integer({
      description: "with --preflight: statement_timeout of each schema's checks, in ms",
      default: 60_000,
      min: 1,
    }),
    format: Flags.string({
      description: 'how --plan and --preflight print: text, or markdown for a pull request or $GITHUB_STEP_SUMMARY',
      options: ['text', 'markdown'],
      default: 'text',
    }),
    'allow-hazards': Flags.string({
      description:
        'hazard kinds to run besides pgfleet.yaml allowHazards (default index_build, validates), comma-separated: blocks_writes, blocks_reads, rewrites_table, deletes_data, irreversible',
    }),
  };

  async run(): Promise<MigrateResult | PreflightResult> {
    const { flags } = await this.parse(Migrate);
    return migrate(this.io, flags);
  }
}

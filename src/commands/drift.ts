import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base.js';
import { drift } from '../cli/bodies/dev.js';
import { devFlags } from '../cli/dev-flags.js';
import type { DriftResult } from '../drift/types.js';

export default class Drift extends BaseCommand {
  static summary = 'Compare every live schema with what it should be; group the schemas that drift the same way.';
  static description =
    `By default each schema is compared with the state its applied migrations produce (replayed on the dev database and cached), so an index dropped during an incident, a column added by hand or a tenant restored from an old backup shows up; with --against model, with the model itself. The history is checked too: migrations recorded as applied but missing from the migration directory, or changed since they ran, and changes applied without their history row. Pending migrations are shown as information, not drift.

Schemas are compared by a fingerprint of their catalog rows, read for the whole fleet in one query, so only one schema of each distinct state is read in full.

Exit codes: 0 no drift, 1 drift, 2 bad input, 3 no connection. --json prints one entry per schema, the groups and a summary. --fix-sql prints, per drifted schema, SQL that brings it back to its expected state, for a human to review (the report then goes to stderr).`;
  static examples = [
    '<%= config.bin %> drift',
    '<%= config.bin %> drift --tenant --json',
    '<%= config.bin %> drift --schema tenant_acme --against model',
    '<%= config.bin %> drift --fix-sql > repair.sql',
    '<%= config.bin %> drift --format markdown >> "$GITHUB_STEP_SUMMARY"',
  ];

  static flags = {
    ...devFlags,
    shared: Flags.boolean({ description: 'only the shared schema', exclusive: ['tenant', 'schema'] }),
    tenant: Flags.boolean({ description: 'only the tenant schemas', exclusive: ['shared', 'schema'] }),
    schema: Flags.string({ description: 'only this schema', exclusive: ['shared', 'tenant'] }),
    against: Flags.string({
      description: 'what a schema should be: what its applied migrations produce, or the model',
      options: ['history', 'model'],
      default: 'history',
    }),
    'fix-sql': Flags.boolean({ description: 'print SQL that repairs each drifted schema (the report goes to stderr)' }),
    concurrency: Flags.integer({
      description: 'connections that read the catalog side by side (default: pgfleet.yaml, 4)',
      min: 1,
      max: 256,
    }),
    format: Flags.string({
      description: 'text, or markdown for a pull request or $GITHUB_STEP_SUMMARY',
      options: ['text', 'markdown'],
      default: 'text',
    }),
  };

  async run(): Promise<DriftResult> {
    const { flags } = await this.parse(Drift);
    return drift(this.io, flags);
  }
}

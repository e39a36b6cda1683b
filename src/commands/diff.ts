import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base.js';
import { type DiffResult, diff } from '../cli/bodies/dev.js';

export type { DiffResult } from '../cli/bodies/dev.js';

import { devFlags } from '../cli/dev-flags.js';

export default class Diff extends BaseCommand {
  static summary = 'Print the SQL that takes a live schema to the model.';
  static description =
    'Compares one live schema with the model of its scope (the configured shared schema is shared; any other schema is a tenant) and prints SQL that can be piped to psql, with hazards as comments. Writes nothing. Prints no statements when the schema matches.';
  static examples = [
    '<%= config.bin %> diff --schema public',
    '<%= config.bin %> diff --schema tenant_acme | psql "$DATABASE_URL"',
  ];

  static flags = {
    ...devFlags,
    schema: Flags.string({ description: 'live schema to compare (default: the shared schema)' }),
  };

  async run(): Promise<DiffResult> {
    const { flags } = await this.parse(Diff);
    return diff(this.io, flags);
  }
}

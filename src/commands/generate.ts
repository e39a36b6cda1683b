import { Flags } from '@oclif/core';
import type { GenerateResult } from '../api/generate.js';
import { BaseCommand } from '../cli/base.js';
import { generate } from '../cli/bodies/dev.js';
import { devFlags } from '../cli/dev-flags.js';

export default class Generate extends BaseCommand {
  static summary = 'Write the next migration of each scope whose model changed, verified on the dev database.';
  static description =
    `Diffs the state that the migration directory produces (replayed on the dev database, cached by checksum) with the model, and writes NNNN_<name>.sql for each scope that changed, after checking on the dev database that, from the model's state, down gives the previous state and up then gives the model again. Changes that delete data are refused without --allow-destructive.

With --check nothing is written: exit 0 when the directory already produces the model, 1 when a migration is missing (the CI check, like makemigrations --check).`;
  static examples = [
    '<%= config.bin %> generate --name add_service_capacity',
    '<%= config.bin %> generate --check',
    '<%= config.bin %> generate --scope tenant --allow-destructive',
  ];

  static flags = {
    ...devFlags,
    name: Flags.string({ description: 'name of the new migration (default: derived from the changes)' }),
    scope: Flags.string({ description: 'only this scope', options: ['shared', 'tenant'] }),
    check: Flags.boolean({ description: 'write nothing; exit 1 when a migration is missing' }),
    'allow-destructive': Flags.boolean({ description: 'allow changes that delete data; the header lists them' }),
    renumber: Flags.boolean({
      description: 'first resolve migrations that share a number (two merged branches): renumber the newer, verified',
    }),
  };

  async run(): Promise<GenerateResult> {
    const { flags } = await this.parse(Generate);
    return generate(this.io, flags);
  }
}

import { Flags } from '@oclif/core';
import { newCodeMigration, newMigration } from '../api/manual.js';
import { loadProject } from '../api/project.js';
import { BaseCommand } from '../cli/base.js';

export default class New extends BaseCommand {
  static summary = 'Write an empty migration for hand-written SQL (data changes, backfills).';
  static description =
    'The file has an up and a down section to fill in; it is replayed like any other migration and generate never rewrites it. pgfleet.sum is updated.';
  static examples = [
    '<%= config.bin %> new --scope tenant --name backfill_booking_totals',
    '<%= config.bin %> new --scope tenant --name fill_service_slug --code',
  ];

  static flags = {
    scope: Flags.string({ description: 'scope of the migration', options: ['shared', 'tenant'], required: true }),
    name: Flags.string({ description: 'name of the migration', required: true }),
    code: Flags.boolean({
      description: 'a TypeScript migration (NNNN_name.ts) whose up/down run per schema in its transaction',
    }),
  };

  async run(): Promise<{ id: string; path: string }> {
    const { flags } = await this.parse(New);
    const project = await loadProject({ configPath: flags.config, databaseUrl: flags['database-url'] });
    const make = flags.code ? newCodeMigration : newMigration;
    const result = await make(project, flags.scope as 'shared' | 'tenant', flags.name);
    this.say(`wrote ${result.path}`);
    return result;
  }
}

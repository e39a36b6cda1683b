import { Flags } from '@oclif/core';
import { newMigration } from '../api/manual.js';
import { loadProject } from '../api/project.js';
import { BaseCommand } from '../cli/base.js';

export default class New extends BaseCommand {
  static summary = 'Write an empty migration for hand-written SQL (data changes, backfills).';
  static description =
    'The file has an up and a down section to fill in; it is replayed like any other migration and generate never rewrites it. pgfleet.sum is updated.';
  static examples = ['<%= config.bin %> new --scope tenant --name backfill_booking_totals'];

  static flags = {
    scope: Flags.string({ description: 'scope of the migration', options: ['shared', 'tenant'], required: true }),
    name: Flags.string({ description: 'name of the migration', required: true }),
  };

  async run(): Promise<{ id: string; path: string }> {
    const { flags } = await this.parse(New);
    const project = await loadProject({ configPath: flags.config, databaseUrl: flags['database-url'] });
    const result = await newMigration(project, flags.scope as 'shared' | 'tenant', flags.name);
    this.say(`wrote ${result.path}`);
    return result;
  }
}

import { Flags } from '@oclif/core';
import { loadProject } from '../api/project.js';
import { type SquashResult, squash } from '../api/squash.js';
import { BaseCommand } from '../cli/base.js';
import { devFlags } from '../cli/dev-flags.js';

export default class Squash extends BaseCommand {
  static summary = 'Replace the migrations of a scope up to a version with one migration.';
  static description =
    'The squashed file keeps the last replaced version and lists the migrations it replaces, so schemas that applied the originals count it as applied. It is kept only if the new directory replays to exactly the schema the old one gave.';
  static examples = ['<%= config.bin %> squash --scope tenant --to 0040'];

  static flags = {
    ...devFlags,
    scope: Flags.string({ description: 'scope to squash', options: ['shared', 'tenant'], required: true }),
    to: Flags.string({ description: 'last version to include', required: true }),
  };

  async run(): Promise<SquashResult> {
    const { flags } = await this.parse(Squash);
    const project = await loadProject({ configPath: flags.config, databaseUrl: flags['database-url'] });
    const result = await squash(project, flags.scope as 'shared' | 'tenant', flags.to);
    this.say(`wrote ${result.scope}/${result.id}.sql replacing ${result.replaces.join(', ')}`);
    return result;
  }
}

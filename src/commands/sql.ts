import { Args, Flags } from '@oclif/core';
import { findMigration } from '../api/manual.js';
import { loadProject } from '../api/project.js';
import { BaseCommand } from '../cli/base.js';

export default class Sql extends BaseCommand {
  static summary = "Print a migration's SQL (like sqlmigrate).";
  static description =
    'Prints the up section (or --down) of the migration with that version, as it will run: tenant-scope SQL names its objects unqualified and runs with the search path set to the tenant, then the shared schema. Reads only the migration directory: no database.';
  static examples = ['<%= config.bin %> sql 0002', '<%= config.bin %> sql 0002 --down --scope tenant'];

  static args = { version: Args.string({ description: 'version (0002) or id (0002_add_x)', required: true }) };
  static flags = {
    down: Flags.boolean({ description: 'print the down section' }),
    scope: Flags.string({ description: 'scope, when both have this version', options: ['shared', 'tenant'] }),
  };

  async run(): Promise<{ id: string; scope: string; section: string; sql: string }> {
    const { args, flags } = await this.parse(Sql);
    const project = await loadProject({ configPath: flags.config, databaseUrl: flags['database-url'] });
    const m = await findMigration(project, args.version, flags.scope as 'shared' | 'tenant' | undefined);
    const section = flags.down ? 'down' : 'up';
    const sql = m[section];
    if (!this.jsonEnabled()) process.stdout.write(`${sql}\n`);
    return { id: m.id, scope: m.scope, section, sql };
  }
}

import { init } from '../api/init.js';
import { BaseCommand } from '../cli/base.js';

export default class Init extends BaseCommand {
  static summary = 'Start a pgfleet project here: pgfleet.yaml, schema/shared and schema/tenant.';
  static description =
    'Writes pgfleet.yaml (database from DATABASE_URL unless --database-url is given, tenants matched by name) and one example table per scope. Refuses, writing nothing, where a project already is.';
  static examples = ['<%= config.bin %> init', '<%= config.bin %> init --database-url postgres://localhost/app'];

  async run(): Promise<{ files: readonly string[] }> {
    const { flags } = await this.parse(Init);
    const result = await init({ configPath: flags.config, databaseUrl: flags['database-url'] });
    for (const file of result.files) this.say(`wrote ${file}`);
    this.say('next: edit schema/, then `pgfleet validate` and `pgfleet generate --name initial`');
    return result;
  }
}

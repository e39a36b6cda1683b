import { rehash } from '../api/manual.js';
import { loadProject } from '../api/project.js';
import { BaseCommand } from '../cli/base.js';

export default class Hash extends BaseCommand {
  static summary = 'Rewrite pgfleet.sum to accept the migration directory as it is.';
  static description =
    'Every command that reads the migration directory refuses a file edited, removed or added since pgfleet.sum was written. After reviewing such a change, run this to accept it.';

  async run(): Promise<{ path: string; files: number }> {
    const { flags } = await this.parse(Hash);
    const project = await loadProject({ configPath: flags.config, databaseUrl: flags['database-url'] });
    const result = await rehash(project);
    this.say(`wrote ${result.path} over ${result.files} migrations`);
    return result;
  }
}

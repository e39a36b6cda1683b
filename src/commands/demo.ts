import { fileURLToPath } from 'node:url';
import { type DemoResult, demo } from '../api/demo.js';
import { loadProject } from '../api/project.js';
import { planSql } from '../ui/plan-sql.js';
import { BaseCommand } from './base.js';

export default class Demo extends BaseCommand {
  static summary = 'Run the whole flow on an embedded Postgres with the example model.';
  static description =
    'Needs nothing installed: starts a throw-away Postgres, creates the shared schema and three tenants from the example booking model, lets one tenant drift, shows the SQL that `diff` prints for it, applies it and checks the tenant matches again. Uses ./pgfleet.yaml when present, else the example shipped with pgfleet.';

  async run(): Promise<DemoResult> {
    const { flags } = await this.parse(Demo);
    const example = fileURLToPath(new URL('../../pgfleet.yaml', import.meta.url));
    const project = await loadProject({ configPath: flags.config === 'pgfleet.yaml' ? example : flags.config });
    const result = await demo(project, (e) => {
      if (e.kind === 'step') this.say(`• ${e.text}`);
      else this.say(`\n-- pgfleet diff --schema ${e.schema}\n${planSql(e.plan)}`);
    });
    return result;
  }
}

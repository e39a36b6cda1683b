import { fileURLToPath } from 'node:url';
import { type DemoResult, demo } from '../api/demo.js';
import { BaseCommand } from '../cli/base.js';
import { driftFixSql, driftText } from '../ui/drift.js';
import { runSummary } from '../ui/run-summary.js';
import { fleetStatusText } from '../ui/status.js';

export default class Demo extends BaseCommand {
  static summary = 'Run the whole flow on an embedded Postgres with the example booking model.';
  static description =
    'Needs nothing installed and changes nothing here: in a temporary copy of the example project and a throw-away Postgres it migrates the shared schema, creates three tenants, changes the model, generates and applies a migration, shows status, lets a tenant drift and shows it with the SQL that repairs it, and rolls back.';

  async run(): Promise<DemoResult> {
    await this.parse(Demo);
    const example = fileURLToPath(new URL('../..', import.meta.url));
    return demo(example, (e) => {
      switch (e.kind) {
        case 'step':
          return this.say(`\n• ${e.text}`);
        case 'file':
          return this.say(`\n--- ${e.path}\n${e.text}`);
        case 'run':
          return this.say(runSummary(e.result));
        case 'status':
          return this.say(fleetStatusText(e.status));
        case 'drift':
          return this.say(`${driftText(e.result)}\n\n${driftFixSql(e.result)}`);
      }
    });
  }
}

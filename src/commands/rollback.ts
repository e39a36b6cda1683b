import { Flags } from '@oclif/core';
import { rollback } from '../api/fleet.js';
import { loadProject } from '../api/project.js';
import type { RunResult } from '../fleet/index.js';
import { progressBar } from '../ui/progress.js';
import { runPlan, runSummary } from '../ui/run-summary.js';
import { BaseCommand } from './base.js';
import { fleetFlags, onlyOf } from './migrate.js';

export default class Rollback extends BaseCommand {
  static summary = 'Run down sections in reverse order: tenants first, then the shared schema.';
  static examples = [
    '<%= config.bin %> rollback --tenant --steps 1',
    '<%= config.bin %> rollback --schema tenant_acme --to 0003',
  ];

  static flags = {
    ...fleetFlags,
    to: Flags.string({ description: 'roll back the migrations after this version', exclusive: ['steps'] }),
    steps: Flags.integer({
      description: 'roll back the last K applied migrations of each schema',
      min: 1,
      exclusive: ['to'],
    }),
    plan: Flags.boolean({ description: 'show what would run; run nothing' }),
  };

  async run(): Promise<RunResult> {
    const { flags } = await this.parse(Rollback);
    const project = await loadProject({ configPath: flags.config, databaseUrl: flags['database-url'] });
    const bar = progressBar(!this.jsonEnabled() && !flags.plan);
    const result = await rollback(project, {
      only: onlyOf(flags),
      to: flags.to,
      steps: flags.steps,
      planOnly: flags.plan,
      concurrency: flags.concurrency,
      failFast: flags['fail-fast'],
      lockTimeoutMs: flags['lock-timeout'],
      onProgress: bar.onProgress,
    });
    bar.stop();
    this.say(flags.plan ? runPlan(result) : runSummary(result));
    if (result.summary.failed + result.summary.locked > 0) process.exitCode = 1;
    return result;
  }
}

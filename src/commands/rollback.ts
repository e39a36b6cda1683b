import { Flags } from '@oclif/core';
import { rollback } from '../api/fleet.js';
import { BaseCommand } from '../cli/base.js';
import { fleetFlags, runFleetCommand } from '../cli/fleet-command.js';
import type { RunResult } from '../fleet/index.js';

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
      description:
        "roll back the directory's last K migrations of the scope: each schema goes back to the version K before the latest (a rerun takes nothing further back)",
      min: 1,
      exclusive: ['to'],
    }),
    plan: Flags.boolean({ description: 'show what would run; run nothing' }),
  };

  async run(): Promise<RunResult> {
    const { flags } = await this.parse(Rollback);
    return runFleetCommand(this, flags, (project, options) =>
      rollback(project, { ...options, to: flags.to, steps: flags.steps }),
    );
  }
}

import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base.js';
import { rollback } from '../cli/bodies/rollback.js';
import { fleetFlags } from '../cli/fleet-command.js';
import type { RunResult } from '../fleet/index.js';

export default class Rollback extends BaseCommand {
  static summary = 'Run down sections in reverse order: tenants first, then the shared schema.';
  static description =
    "Needs exactly one of --to V (every schema goes back to version V) and --steps K (the directory's last K migrations of the scope). Each schema's down sections run in one transaction with its history, like migrate's up; a schema whose rollback fails is left where it was and reported (exit 1), the others go on; the shared schema is rolled back only when no tenant failed. A migration whose down section says it cannot be reversed stops the rollback of that schema before it runs. Exit 0 done, 1 a schema failed, 2 bad input, 3 could not connect or another run holds the lock.";
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
    return rollback(this.io, flags);
  }
}

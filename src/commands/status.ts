import { Flags } from '@oclif/core';
import type { DatabaseStatus } from '../api/fleet.js';
import { BaseCommand } from '../cli/base.js';
import { status } from '../cli/bodies/status.js';
import type { FleetStatus } from '../fleet/index.js';

export default class Status extends BaseCommand {
  static summary = 'Show which migrations each schema has applied, and a grouped summary of the fleet.';
  static description =
    'Reads the history of every schema in one query, so it costs milliseconds for thousands of tenants, and groups them ("812 tenants at 0007, 3 at 0006, 1 failed"). With --schema, one schema migration by migration: applied (when, how long), pending, failed (with the error), and applied migrations whose file changed since. Changes nothing. Exit 0, or 3 when the database cannot be read.';
  static examples = [
    '<%= config.bin %> status',
    '<%= config.bin %> status --schema tenant_acme',
    '<%= config.bin %> status --json',
  ];
  static flags = { schema: Flags.string({ description: 'one schema, migration by migration' }) };

  async run(): Promise<FleetStatus | { databases: DatabaseStatus[] }> {
    const { flags } = await this.parse(Status);
    return status(this.io, flags);
  }
}

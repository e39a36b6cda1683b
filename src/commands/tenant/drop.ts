import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base.js';
import { tenantDrop } from '../../cli/bodies/tenant.js';

export default class TenantDrop extends BaseCommand {
  static summary = 'Drop a tenant schema, with all its data, and its history.';
  static description =
    'Needs --force. Drops the schema with CASCADE and deletes its history, in one transaction with tenants.unregister (pgfleet.yaml; $1 = the name) when it is set, so your tenants table loses its row at the same time; without unregister, your tenants table keeps its row: remove it in your application.';
  static examples = ['<%= config.bin %> tenant drop tenant_acme --force'];
  static args = { name: Args.string({ description: 'schema name of the tenant', required: true }) };
  static flags = { force: Flags.boolean({ description: 'yes, drop the schema and its data' }) };

  async run(): Promise<{ schema: string }> {
    const { args, flags } = await this.parse(TenantDrop);
    return tenantDrop(this.io, flags, args);
  }
}

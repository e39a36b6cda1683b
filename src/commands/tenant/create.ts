import { Args } from '@oclif/core';
import { BaseCommand } from '../../cli/base.js';
import { tenantCreate } from '../../cli/bodies/tenant.js';
import type { CreatedTenant } from '../../fleet/index.js';

export default class TenantCreate extends BaseCommand {
  static summary = 'Create a tenant schema at the latest tenant migration, in one transaction.';
  static description =
    'Runs every tenant migration in the new schema, records them in history and registers the tenant with tenants.register from pgfleet.yaml ($1 = the name). A failure leaves nothing behind.';
  static examples = ['<%= config.bin %> tenant create tenant_acme'];
  static args = { name: Args.string({ description: 'schema name of the new tenant', required: true }) };

  async run(): Promise<CreatedTenant> {
    const { args, flags } = await this.parse(TenantCreate);
    return tenantCreate(this.io, flags, args);
  }
}

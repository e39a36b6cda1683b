import { BaseCommand } from '../../cli/base.js';
import { type TenantListResult, tenantList } from '../../cli/bodies/tenant.js';

export default class TenantList extends BaseCommand {
  static summary = 'List the tenant schemas with their versions.';
  static description =
    'The tenants the config finds (tenants.query, match or list), each with its latest applied tenant migration, how many are pending, and whether its schema exists. Changes nothing.';

  async run(): Promise<TenantListResult> {
    const { flags } = await this.parse(TenantList);
    return tenantList(this.io, flags);
  }
}

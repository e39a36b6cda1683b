import { status } from '../../api/fleet.js';
import { loadFleetProject } from '../../api/project.js';
import { BaseCommand } from '../../cli/base.js';

export interface TenantListResult {
  readonly tenants: ReadonlyArray<{ schema: string; version: string | null; pending: number; exists: boolean }>;
}

export default class TenantList extends BaseCommand {
  static summary = 'List the tenant schemas with their versions.';
  static description =
    'The tenants the config finds (tenants.query, match or list), each with its latest applied tenant migration, how many are pending, and whether its schema exists. Changes nothing.';

  async run(): Promise<TenantListResult> {
    const { flags } = await this.parse(TenantList);
    const project = await loadFleetProject({ configPath: flags.config, databaseUrl: flags['database-url'] });
    const s = await status(project);
    const tenants = s.tenants.map((t) => ({
      schema: t.schema,
      version: t.version,
      pending: t.pending.length,
      exists: t.exists,
    }));
    for (const t of tenants)
      this.say(
        `${t.schema}\t${t.version ?? '-'}${t.pending ? `\t${t.pending} pending` : ''}${t.exists ? '' : '\t(schema missing)'}`,
      );
    return { tenants };
  }
}

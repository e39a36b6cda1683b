import { createTenant, dropTenant, status } from '../../api/fleet.js';
import { loadFleetProject } from '../../api/project.js';
import { PgfleetError } from '../../errors.js';
import type { CreatedTenant } from '../../fleet/index.js';
import type { CommandIO } from '../io.js';

interface ProjectFlags {
  config: string;
  'database-url'?: string;
}

/** `pgfleet tenant create` (commands/tenant/create.ts has its args and help). */
export async function tenantCreate(io: CommandIO, flags: ProjectFlags, args: { name: string }): Promise<CreatedTenant> {
  const project = await loadFleetProject({ configPath: flags.config, databaseUrl: flags['database-url'] });
  const result = await createTenant(project, args.name);
  io.say(
    `created tenant "${result.schema}" at ${result.version ?? 'no migration'} (${result.migrations} migrations${result.registered ? ', registered' : ''}) in ${result.ms} ms`,
  );
  return result;
}

/** `pgfleet tenant drop` (commands/tenant/drop.ts). */
export async function tenantDrop(
  io: CommandIO,
  flags: ProjectFlags & { force?: boolean },
  args: { name: string },
): Promise<{ schema: string }> {
  if (!flags.force) {
    throw new PgfleetError('input', `not dropping "${args.name}" without --force`, {
      hint: `\`pgfleet tenant drop ${args.name} --force\` drops the schema and all its data`,
    });
  }
  const project = await loadFleetProject({ configPath: flags.config, databaseUrl: flags['database-url'] });
  const result = await dropTenant(project, args.name);
  io.say(`dropped tenant "${result.schema}"`);
  return result;
}

export interface TenantListResult {
  readonly tenants: ReadonlyArray<{ schema: string; version: string | null; pending: number; exists: boolean }>;
}

/** `pgfleet tenant list` (commands/tenant/list.ts). */
export async function tenantList(io: CommandIO, flags: ProjectFlags): Promise<TenantListResult> {
  const project = await loadFleetProject({ configPath: flags.config, databaseUrl: flags['database-url'] });
  const s = await status(project);
  const tenants = s.tenants.map((t) => ({
    schema: t.schema,
    version: t.version,
    pending: t.pending.length,
    exists: t.exists,
  }));
  for (const t of tenants)
    io.say(
      `${t.schema}\t${t.version ?? '-'}${t.pending ? `\t${t.pending} pending` : ''}${t.exists ? '' : '\t(schema missing)'}`,
    );
  return { tenants };
}

import { type DatabaseStatus, status as fleetStatus, statusAll } from '../../api/fleet.js';
import { loadFleetProject } from '../../api/project.js';
import type { FleetStatus } from '../../fleet/index.js';
import { fleetStatusText, schemaStatusText } from '../../ui/status.js';
import type { CommandIO } from '../io.js';

export interface StatusFlags {
  config: string;
  'database-url'?: string;
  schema?: string;
}

/** `pgfleet status` (commands/status.ts has its flags and help). */
export async function status(
  io: CommandIO,
  flags: StatusFlags,
): Promise<FleetStatus | { databases: DatabaseStatus[] }> {
  const project = await loadFleetProject({ configPath: flags.config, databaseUrl: flags['database-url'] });
  if (project.config.databases.length > 1) {
    const databases = await statusAll(project, flags.schema);
    for (const d of databases)
      io.say(`${d.database}\n${d.status ? fleetStatusText(d.status) : `  could not be read: ${d.error}`}\n`);
    if (databases.some((d) => d.error)) process.exitCode = 3;
    return { databases };
  }
  const result = await fleetStatus(project, flags.schema);
  if (flags.schema) {
    const one = result.shared ?? result.tenants[0];
    if (one) io.say(schemaStatusText(one, result.code));
  } else {
    io.say(fleetStatusText(result));
  }
  return result;
}

import { type MigrateResult, migrate as migrateFleet, preflight } from '../../api/fleet.js';
import { loadFleetProject } from '../../api/project.js';
import type { PreflightResult } from '../../fleet/preflight/run-preflight.js';
import { preflightMarkdown } from '../../ui/markdown.js';
import { preflightText } from '../../ui/preflight.js';
import type { CommandIO } from '../io.js';
import { type FleetFlags, onlyOf, runFleetCommand } from './fleet-run.js';

export type MigrateFlags = FleetFlags & {
  to?: string;
  fake?: boolean;
  wave?: string;
  preflight?: boolean;
  'statement-timeout': number;
  format: string;
  'allow-hazards'?: string;
};

/** `pgfleet migrate` (commands/migrate.ts has its flags and help). */
export async function migrate(io: CommandIO, flags: MigrateFlags): Promise<MigrateResult | PreflightResult> {
  if (flags.preflight) {
    const project = await loadFleetProject({ configPath: flags.config, databaseUrl: flags['database-url'] });
    const result = await preflight(project, {
      only: onlyOf(flags),
      to: flags.to,
      wave: flags.wave,
      concurrency: flags.concurrency,
      statementTimeoutMs: flags['statement-timeout'],
    });
    io.say(flags.format === 'markdown' ? preflightMarkdown(result).trimEnd() : preflightText(result));
    if (result.failures.length + result.errors.length > 0) process.exitCode = 1;
    return result;
  }
  return runFleetCommand(io, flags, (project, options) =>
    migrateFleet(project, {
      ...options,
      to: flags.to,
      fake: flags.fake,
      wave: flags.wave,
      allowHazards: flags['allow-hazards']
        ?.split(',')
        .map((k) => k.trim())
        .filter((k) => k !== ''),
    }),
  );
}

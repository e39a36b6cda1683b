import type { MigrateResult } from '../../api/fleet.js';
import { type FleetProject, loadFleetProject } from '../../api/project.js';
import type { RunOptions } from '../../fleet/index.js';
import { planMarkdown } from '../../ui/markdown.js';
import { progressBar } from '../../ui/progress.js';
import { rolloutPlan, rolloutSummary } from '../../ui/rollout.js';
import { runPlan, runSummary } from '../../ui/run-summary.js';
import type { CommandIO } from '../io.js';

export const onlyOf = (flags: { shared?: boolean; tenant?: boolean; schema?: string }) =>
  flags.schema !== undefined
    ? { schema: flags.schema }
    : flags.shared
      ? { scope: 'shared' as const }
      : flags.tenant
        ? { scope: 'tenant' as const }
        : undefined;

/** The flags of migrate and rollback that runFleetCommand reads (fleet-command.ts defines them). */
export type FleetFlags = {
  shared?: boolean;
  tenant?: boolean;
  schema?: string;
  plan?: boolean;
  concurrency?: number;
  'fail-fast'?: boolean;
  'lock-timeout'?: number;
  config: string;
  'database-url'?: string;
  /** markdown: the --plan as a summary for a pull request (migrate only). */
  format?: string;
};

/**
 * What migrate and rollback share: load the project, run with a progress bar, print the
 * plan or the summary, exit 1 when a schema failed or was locked.
 */
export async function runFleetCommand(
  io: CommandIO,
  flags: FleetFlags,
  run: (
    project: FleetProject,
    options: Pick<RunOptions, 'only' | 'planOnly' | 'failFast' | 'lockTimeoutMs' | 'onProgress'> & {
      concurrency?: number;
      onNotice?: (message: string) => void;
    },
  ) => Promise<MigrateResult>,
): Promise<MigrateResult> {
  const project = await loadFleetProject({ configPath: flags.config, databaseUrl: flags['database-url'] });
  const bar = progressBar(!io.json && !flags.plan);
  const result = await run(project, {
    only: onlyOf(flags),
    planOnly: flags.plan,
    concurrency: flags.concurrency,
    failFast: flags['fail-fast'],
    lockTimeoutMs: flags['lock-timeout'],
    onProgress: bar.onProgress,
    // Waiting for (or taking over) a dead run's lock: said at once, on stderr.
    onNotice: (message) => process.stderr.write(`pgfleet: ${message}\n`),
  }).finally(() => bar.stop());
  io.say(humanText(result, flags));
  // A rollout halted by its preflight has no failed schema, but it did not do what was asked.
  if (result.summary.failed + result.summary.locked > 0 || result.rollout?.halted) process.exitCode = 1;
  return result;
}

function humanText(result: MigrateResult, flags: FleetFlags): string {
  if (flags.plan && flags.format === 'markdown') return planMarkdown(result).trimEnd();
  if (flags.plan) return result.rollout ? rolloutPlan(result) : runPlan(result);
  return result.rollout ? `${rolloutSummary(result)}\n${runSummary(result)}` : runSummary(result);
}

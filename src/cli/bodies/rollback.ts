import { rollback as rollbackFleet } from '../../api/fleet.js';
import type { RunResult } from '../../fleet/index.js';
import type { CommandIO } from '../io.js';
import { type FleetFlags, runFleetCommand } from './fleet-run.js';

export type RollbackFlags = FleetFlags & { to?: string; steps?: number };

/** `pgfleet rollback` (commands/rollback.ts has its flags and help). */
export const rollback = (io: CommandIO, flags: RollbackFlags): Promise<RunResult> =>
  runFleetCommand(io, flags, (project, options) =>
    rollbackFleet(project, { ...options, to: flags.to, steps: flags.steps }),
  );

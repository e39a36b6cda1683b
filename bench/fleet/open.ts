import { chooseFloor, type Floor, pgFloor } from '../floor.js';
import { type FleetProject, fleetProject } from '../project.js';
import type { BenchContext } from '../types.js';

/** The fleet project the parent made, opened in a figure's process. */
export const openFleetProject = (ctx: BenchContext): Promise<FleetProject> =>
  fleetProject({ dir: ctx.fleetDir, databaseUrl: ctx.url, devDatabase: ctx.serverUrl, match: '' });

export const floorOf = (ctx: BenchContext): Floor => (ctx.floor === 'psql' ? chooseFloor() : pgFloor);

/** Resets between runs are not timed: two connections do them. */
export const reset = (url: string, scripts: readonly string[]): Promise<number> => pgFloor.run(url, scripts, 2);

export const SHARED = 'public';

export function expectRun(
  what: string,
  summary: { applied: number; failed: number; locked: number },
  applied: number,
): void {
  if (summary.failed > 0 || summary.locked > 0 || summary.applied !== applied) {
    throw new Error(`${what}: expected ${applied} schemas applied, got ${JSON.stringify(summary)}`);
  }
}

import { PgfleetError } from '../errors.js';
import type { MigrationSet } from '../migrations/index.js';
import type { Scope } from '../model/types.js';
import { type FleetConnection, lockRun } from './fleet.js';
import { recordAppliedRows } from './history.js';

/**
 * `baseline`'s history rows: every migration of its scope as applied, for every schema
 * given, in one transaction under the run lock.
 */
export async function recordBaseline(
  fleet: FleetConnection,
  schemas: ReadonlyArray<{ readonly schema: string; readonly scope: Scope }>,
  set: MigrationSet,
): Promise<void> {
  await lockRun(fleet, 'baseline');
  const rows = schemas.flatMap((s) => set[s.scope].map((m) => ({ schema: s.schema, m })));
  if (rows.length === 0) return;
  const c = fleet.coordinator;
  await c.query('BEGIN');
  try {
    await recordAppliedRows(c, rows);
    await c.query('COMMIT');
  } catch (cause) {
    await c.query('ROLLBACK').catch(() => {});
    throw new PgfleetError(
      'connection',
      `recording the baseline failed, nothing was recorded: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  }
}

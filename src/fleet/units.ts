import type { Migration } from '../migrations/index.js';

/**
 * What the executor runs on a schema: a migration is run as a list of units, and the
 * executor sends units, not migrations. Today every migration is one unit (its up or down
 * SQL); a migration of several steps, each with its own transaction mode, is one unit per
 * step, and a migration written in code a unit of its own kind: each is a new case here and
 * in the executor's `switch (unit.kind)`, not a new executor.
 */
export type Unit = SqlUnit;

export interface SqlUnit {
  readonly kind: 'sql';
  /** The migration this unit is (part of): a failure is traced to it. */
  readonly migration: Migration;
  /** Runs in one transaction with the transactional units around it, or alone outside any. */
  readonly transactional: boolean;
  /** The SQL sent, or null when the run is faked (history is recorded, nothing runs). */
  readonly sql: string | null;
  /** The migration's history row is written (going down: deleted) with this unit, its last. */
  readonly recordsHistory: boolean;
}

/** The units that take `migrations` in `direction`, in order. */
export function unitsOf(
  migrations: readonly Migration[],
  o: { readonly direction: 'up' | 'down'; readonly fake?: boolean },
): Unit[] {
  return migrations.map((migration) => ({
    kind: 'sql',
    migration,
    transactional: migration.transactional,
    sql: o.fake ? null : migration[o.direction],
    recordsHistory: true,
  }));
}

/** Consecutive transactional units share a transaction; each other one stands alone. */
export function transactions(units: readonly Unit[]): Unit[][] {
  const out: Unit[][] = [];
  for (const u of units) {
    const last = out.at(-1);
    if (u.transactional && last?.[0].transactional) last.push(u);
    else out.push([u]);
  }
  return out;
}

/** Ids of the migrations a run of `units` completes (those whose history row goes with them). */
export const completedBy = (units: readonly Unit[]): string[] =>
  units.filter((u) => u.recordsHistory).map((u) => u.migration.id);

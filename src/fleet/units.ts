import type { Migration } from '../migrations/index.js';
import { forgetSql, recordAppliedSql, recordProgressSql } from './history.js';
import type { StepProgress } from './pending.js';
import { downSteps, isStepped, type StatementTimeouts, type StepWork, stepSql, upSteps } from './step-units.js';

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
  /**
   * A step of a migration of several: it runs in a transaction of its own (or, not
   * transactional, statement by statement on its connection), and its ledger SQL records
   * the schema's progress with it, so a killed run resumes at the next step.
   */
  readonly step?: StepWork;
}

/** The units that take `migrations` in `direction`, in order. */
export function unitsOf(
  migrations: readonly Migration[],
  o: { readonly direction: 'up' | 'down'; readonly fake?: boolean } & StatementTimeouts,
  progress?: StepProgress | null,
): Unit[] {
  return migrations.flatMap((migration): Unit[] => {
    const done = progress?.migration.id === migration.id ? progress.stepsDone : 0;
    if (!isStepped(migration, done)) {
      return [
        {
          kind: 'sql',
          migration,
          transactional: migration.transactional,
          sql: o.fake ? null : migration[o.direction],
          recordsHistory: true,
        },
      ];
    }
    if (o.fake) {
      // Faked: the ledger alone, in one transaction: the migration applied (or forgotten), no progress left.
      const forget = o.direction === 'down' && done === 0;
      const ledger = (schema: string) =>
        o.direction === 'up'
          ? `${recordProgressSql(schema, migration, 0)};\n${recordAppliedSql(schema, migration)}`
          : `${forget ? `${forgetSql(schema, migration.version)};\n` : ''}${recordProgressSql(schema, migration, 0)}`;
      return [
        {
          kind: 'sql',
          migration,
          transactional: true,
          sql: null,
          recordsHistory: true,
          step: { number: 0, statements: [], ledger },
        },
      ];
    }
    const drafts = o.direction === 'up' ? upSteps(migration, done) : downSteps(migration, done > 0 ? done : 'applied');
    return drafts.map((d) => ({
      kind: 'sql',
      migration,
      transactional: d.step.transactional,
      sql: d.step.transactional ? stepSql(migration, d.step, o) : d.step.sql,
      recordsHistory: d.recordsHistory,
      step: d.work,
    }));
  });
}

/** Consecutive transactional units share a transaction; each other one stands alone. */
export function transactions(units: readonly Unit[]): Unit[][] {
  const out: Unit[][] = [];
  for (const u of units) {
    const last = out.at(-1);
    // A step of a migration of several is a transaction of its own: that is what makes it a step.
    if (u.transactional && last?.[0].transactional && !u.step && !last[0].step) last.push(u);
    else out.push([u]);
  }
  return out;
}

/** Ids of the migrations a run of `units` completes (those whose history row goes with them). */
export const completedBy = (units: readonly Unit[]): string[] =>
  units.filter((u) => u.recordsHistory).map((u) => u.migration.id);

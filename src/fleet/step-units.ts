import { type Migration, type MigrationStatement, type MigrationStep, migrationSteps } from '../migrations/index.js';
import { literal } from '../plan/quote.js';
import { forgetSql, recordAppliedSql, recordProgressSql } from './history.js';

/** The statement timeouts of a run: short for what should be quick, long for scans and builds (0: none). */
export interface StatementTimeouts {
  readonly statementTimeoutMs?: number;
  readonly longStatementTimeoutMs?: number;
}

/** One step of a migration of several, as the executor runs it. */
export interface StepWork {
  /** 1-based number of the step in its section. */
  readonly number: number;
  readonly statements: readonly MigrationStatement[];
  /** The SQL that records where the schema stands once this unit is done (progress row, history row). */
  readonly ledger: (schema: string) => string;
}

/** Whether a migration runs as steps: it has several, or a schema is already inside it. */
export const isStepped = (m: Migration, stepsDone = 0): boolean => {
  const s = migrationSteps(m);
  return stepsDone > 0 || s.up.length > 1 || s.down.length > 1;
};

// Data statements and maintenance: as long as the data is big. Comments are stripped first.
const DATA = /^(UPDATE|INSERT|DELETE|DO|CALL|SELECT|WITH|COPY|REFRESH|CLUSTER|VACUUM|REINDEX|ANALYZE|MERGE)\b/i;
const withoutComments = (sql: string) => sql.replace(/^(\s*--[^\n]*\n)+/, '').trim();

/**
 * Whether a statement may run long: VALIDATE, a concurrent build, a backfill, anything
 * with a hazard, everything of a non-transactional step, of a hand-written migration or of
 * one planned without online forms. The others are DDL that takes a lock and is done.
 */
export function runsLong(m: Migration, step: MigrationStep, s: MigrationStatement): boolean {
  if (m.manual || m.online === false || !step.transactional || s.hazards.length > 0) return true;
  const sql = withoutComments(s.sql);
  return DATA.test(sql) || /\bVALIDATE\s+CONSTRAINT\b/i.test(sql) || /\bCONCURRENTLY\b/i.test(sql);
}

/** `SET LOCAL statement_timeout` for a statement (inside a transaction step). */
export const statementTimeoutSql = (ms: number): string =>
  `SET LOCAL statement_timeout = ${literal(`${Math.max(0, Math.round(ms))}ms`)}`;

/** The timeout a statement gets. */
export const timeoutOf = (long: boolean, o: StatementTimeouts): number =>
  long ? (o.longStatementTimeoutMs ?? 0) : (o.statementTimeoutMs ?? 0);

/** A transactional step's body: each statement behind its own statement_timeout. */
export function stepSql(m: Migration, step: MigrationStep, o: StatementTimeouts): string {
  return step.statements
    .map((s) => `${statementTimeoutSql(timeoutOf(runsLong(m, step, s), o))};\n${s.sql}\n;`)
    .join('\n');
}

export interface StepUnitDraft {
  readonly step: MigrationStep;
  readonly work: StepWork;
  /** The migration's history row is written (or deleted) with this unit. */
  readonly recordsHistory: boolean;
}

/**
 * The steps that take a migration up from `stepsDone` steps: each records the progress,
 * the last the migration's history row (and the progress row goes). Never a step already done.
 */
export function upSteps(m: Migration, stepsDone: number): StepUnitDraft[] {
  const { up } = migrationSteps(m);
  return up.slice(stepsDone).map((step, i) => {
    const number = stepsDone + i + 1;
    const last = number === up.length;
    return {
      step,
      recordsHistory: last,
      work: {
        number,
        statements: step.statements,
        ledger: (schema) =>
          last
            ? `${recordProgressSql(schema, m, 0)};\n${recordAppliedSql(schema, m)}`
            : recordProgressSql(schema, m, number),
      },
    };
  });
}

/**
 * The steps that take a migration down from `stepsDone` up steps done (all of them when it
 * is applied): the down steps that undo step k, then k - 1, ... 1 (a down step without
 * `undoes:` undoes step 1). After those of step i the ledger says i - 1 steps are done, so
 * a rollback killed halfway leaves the schema inside the migration at a recorded step,
 * and its rerun goes on from there. The first also deletes the history row of an applied migration.
 */
export function downSteps(m: Migration, stepsDone: number | 'applied'): StepUnitDraft[] {
  const { up, down } = migrationSteps(m);
  const from = stepsDone === 'applied' ? up.length : stepsDone;
  const byUp = new Map<number, MigrationStep[]>();
  for (const step of down) {
    const i = Math.min(step.undoes ?? 1, Math.max(1, up.length));
    if (i <= from) byUp.set(i, [...(byUp.get(i) ?? []), step]);
  }
  const groups = [...byUp.entries()].sort((a, b) => b[0] - a[0]);
  const out: StepUnitDraft[] = [];
  let forgotten = stepsDone !== 'applied';
  groups.forEach(([i, steps], g) => {
    // After the lowest group with statements nothing is left to undo: the ledger forgets.
    const after = g === groups.length - 1 ? 0 : i - 1;
    steps.forEach((step, j) => {
      const lastOfGroup = j === steps.length - 1;
      const forget = !forgotten;
      forgotten = true;
      const ledger = (schema: string) =>
        [
          ...(forget ? [forgetSql(schema, m.version)] : []),
          // Until its group is done the schema is still at step i: a rerun undoes the group again (its steps are rerun-safe).
          recordProgressSql(schema, m, lastOfGroup ? after : i),
        ].join(';\n');
      out.push({
        step,
        recordsHistory: lastOfGroup && after === 0,
        work: { number: down.indexOf(step) + 1, statements: step.statements, ledger },
      });
    });
  });
  if (out.length === 0) {
    // Nothing to run: the ledger alone moves.
    const step: MigrationStep = { transactional: true, sql: '', statements: [] };
    out.push({
      step,
      recordsHistory: true,
      work: {
        number: 0,
        statements: [],
        ledger: (schema) =>
          `${stepsDone === 'applied' ? `${forgetSql(schema, m.version)};\n` : ''}${recordProgressSql(schema, m, 0)}`,
      },
    });
  }
  return out;
}

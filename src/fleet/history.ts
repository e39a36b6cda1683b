import type pg from 'pg';
import type { Scope } from '../model/types.js';
import { literal, qualified } from '../plan/quote.js';
import { LEDGER_SCHEMA } from './targets.js';

/**
 * The fleet's migration history: one ledger table for every schema, outside the shared
 * schema so the model never sees it, read for the whole fleet in one query and written in
 * the same transaction as each schema's DDL.
 */
export const HISTORY = qualified(LEDGER_SCHEMA, 'history');

/**
 * Where a schema stands inside a migration of several steps: one row while it is between
 * its first and last step (written in the same transaction as each transactional step,
 * right after each other one), gone once the migration's history row says applied, or
 * once a rollback undid every step. A table of its own, so ledgers made before steps keep
 * their history table as it was.
 */
export const STEP_PROGRESS = qualified(LEDGER_SCHEMA, 'step_progress');

export const CREATE_STEP_PROGRESS = `CREATE TABLE IF NOT EXISTS ${STEP_PROGRESS} (
  schema_name text NOT NULL,
  scope text NOT NULL,
  version text NOT NULL,
  name text NOT NULL,
  checksum text NOT NULL,
  steps_done integer NOT NULL CHECK (steps_done > 0),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (schema_name, version)
)`;

export const CREATE_HISTORY = `CREATE SCHEMA IF NOT EXISTS ${LEDGER_SCHEMA};
CREATE TABLE IF NOT EXISTS ${HISTORY} (
  schema_name text NOT NULL,
  scope text NOT NULL CHECK (scope IN ('shared', 'tenant')),
  version text NOT NULL,
  name text NOT NULL,
  checksum text NOT NULL,
  status text NOT NULL CHECK (status IN ('applied', 'failed')),
  applied_at timestamptz NOT NULL DEFAULT now(),
  duration_ms integer NOT NULL DEFAULT 0,
  error text,
  PRIMARY KEY (schema_name, version)
);
${CREATE_STEP_PROGRESS}`;

export interface HistoryRow {
  readonly schema: string;
  readonly scope: Scope;
  readonly version: string;
  readonly name: string;
  readonly checksum: string;
  /** `partial`: the schema is inside the migration, `stepsDone` of its up steps done (a step_progress row). */
  readonly status: 'applied' | 'failed' | 'partial';
  readonly appliedAt: Date;
  readonly durationMs: number;
  readonly error: string | null;
  /** For `partial` rows: how many up steps are done. */
  readonly stepsDone?: number;
}

export async function historyExists(client: pg.ClientBase): Promise<boolean> {
  const r = await client.query(`SELECT to_regclass($1) IS NOT NULL AS ok`, [`${LEDGER_SCHEMA}.history`]);
  return r.rows[0].ok === true;
}

/** Every history row of the fleet (or of `schemas`), grouped by schema, in version order. */
export async function readHistory(
  client: pg.ClientBase,
  schemas?: readonly string[],
): Promise<Map<string, HistoryRow[]>> {
  const bySchema = new Map<string, HistoryRow[]>();
  // Both tables in one round trip (a run reads the history twice before its first schema).
  // Ledgers made before steps have no step_progress table until the next migrate.
  const there = await client.query<{ history: boolean; steps: boolean }>(
    'SELECT to_regclass($1) IS NOT NULL AS history, to_regclass($2) IS NOT NULL AS steps',
    [`${LEDGER_SCHEMA}.history`, STEP_PROGRESS],
  );
  const { history, steps } = there.rows[0];
  if (!history) return bySchema;
  const where = schemas ? 'WHERE schema_name = ANY($1)' : '';
  const progress = steps
    ? `UNION ALL
     SELECT schema_name, scope, version, name, checksum, 'partial',
            (extract(epoch FROM updated_at) * 1000)::float8, 0, NULL, steps_done
       FROM ${STEP_PROGRESS} ${where}`
    : '';
  const r = await client.query(
    // The time as epoch milliseconds: a number is read at once, where parsing 20,000 timestamp
    // strings is a third of a second of a 10,000-tenant `status`.
    `SELECT schema_name, scope, version, name, checksum, status,
            (extract(epoch FROM applied_at) * 1000)::float8 AS applied_ms, duration_ms, error, NULL::integer AS steps_done
       FROM ${HISTORY} ${where}
     ${progress}
     ORDER BY schema_name, version`,
    schemas ? [schemas] : [],
  );
  for (const row of r.rows) {
    const list = bySchema.get(row.schema_name) ?? [];
    list.push({
      schema: row.schema_name,
      scope: row.scope,
      version: row.version,
      name: row.name,
      checksum: row.checksum,
      status: row.status,
      appliedAt: new Date(row.applied_ms),
      durationMs: row.duration_ms,
      error: row.error,
      ...(row.steps_done !== null ? { stepsDone: row.steps_done } : {}),
    });
    bySchema.set(row.schema_name, list);
  }
  return bySchema;
}

export interface RecordedMigration {
  readonly scope: Scope;
  readonly version: string;
  readonly name: string;
  readonly checksum: string;
}

/**
 * SQL that records `m` as applied to `schema`, replacing an earlier failed attempt (unless
 * `replacesFailure` is false: the caller knows there is none). A row already marked applied
 * makes it fail (primary key), so a migration is never recorded twice. The duration is
 * measured from the start of the enclosing statement batch.
 */
export function recordAppliedSql(
  schema: string,
  m: RecordedMigration,
  durationMs?: number,
  replacesFailure = true,
): string {
  // A code migration ran in statements of its own: its time is measured by the caller.
  const duration =
    durationMs === undefined
      ? '(extract(epoch FROM clock_timestamp() - statement_timestamp()) * 1000)::integer'
      : String(Math.round(durationMs));
  const replace = replacesFailure
    ? `DELETE FROM ${HISTORY} WHERE schema_name = ${literal(schema)} AND version = ${literal(m.version)} AND status = 'failed';\n`
    : '';
  return `${replace}INSERT INTO ${HISTORY} (schema_name, scope, version, name, checksum, status, duration_ms)
VALUES (${literal(schema)}, ${literal(m.scope)}, ${literal(m.version)}, ${literal(m.name)}, ${literal(m.checksum)}, 'applied', ${duration})`;
}

/**
 * Record many migrations as applied at once (baseline: they were applied before pgfleet),
 * replacing earlier failed attempts; one statement, whatever the number of rows.
 */
export async function recordAppliedRows(
  client: pg.ClientBase,
  rows: ReadonlyArray<{ readonly schema: string; readonly m: RecordedMigration }>,
): Promise<void> {
  const column = <T>(pick: (r: (typeof rows)[number]) => T) => rows.map(pick);
  await client.query(
    `INSERT INTO ${HISTORY} (schema_name, scope, version, name, checksum, status, duration_ms)
     SELECT schema_name, scope, version, name, checksum, 'applied', 0
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS r(schema_name, scope, version, name, checksum)
     ON CONFLICT (schema_name, version) DO UPDATE
       SET status = 'applied', name = EXCLUDED.name, checksum = EXCLUDED.checksum, error = NULL, applied_at = now()
       WHERE ${HISTORY}.status = 'failed'`,
    [
      column((r) => r.schema),
      column((r) => r.m.scope),
      column((r) => r.m.version),
      column((r) => r.m.name),
      column((r) => r.m.checksum),
    ],
  );
}

/** Record a failed attempt (after the schema's transaction rolled back). */
export async function recordFailure(
  client: pg.ClientBase,
  schema: string,
  m: RecordedMigration,
  error: string,
  /** How long the failed attempt ran (a code migration's time is worth knowing when it fails). */
  durationMs = 0,
) {
  await client.query(
    `INSERT INTO ${HISTORY} (schema_name, scope, version, name, checksum, status, error, duration_ms)
     VALUES ($1, $2, $3, $4, $5, 'failed', $6, $7)
     ON CONFLICT (schema_name, version) DO UPDATE SET status = 'failed', error = EXCLUDED.error, applied_at = now(),
       name = EXCLUDED.name, checksum = EXCLUDED.checksum, duration_ms = EXCLUDED.duration_ms
     WHERE ${HISTORY}.status = 'failed'`,
    [schema, m.scope, m.version, m.name, m.checksum, error, Math.round(durationMs)],
  );
}

export const forgetSql = (schema: string, version: string): string =>
  `DELETE FROM ${HISTORY} WHERE schema_name = ${literal(schema)} AND version = ${literal(version)}`;

/** SQL that records that `schema` has done `stepsDone` up steps of `m` (0: it is not inside `m` any more). */
export function recordProgressSql(schema: string, m: RecordedMigration, stepsDone: number): string {
  if (stepsDone <= 0) {
    return `DELETE FROM ${STEP_PROGRESS} WHERE schema_name = ${literal(schema)} AND version = ${literal(m.version)}`;
  }
  return `INSERT INTO ${STEP_PROGRESS} (schema_name, scope, version, name, checksum, steps_done)
VALUES (${literal(schema)}, ${literal(m.scope)}, ${literal(m.version)}, ${literal(m.name)}, ${literal(m.checksum)}, ${stepsDone})
ON CONFLICT (schema_name, version) DO UPDATE SET steps_done = EXCLUDED.steps_done, checksum = EXCLUDED.checksum, updated_at = now()`;
}

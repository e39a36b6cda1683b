import type pg from 'pg';
import type { Scope } from '../model/types.js';
import { ident, literal, qualified } from '../plan/quote.js';
import { LOCK_NAMESPACE } from './claim.js';
import { LEDGER_SCHEMA } from './targets.js';

/** What `query` returns: the rows, as node-postgres gives them, and how many the statement touched. */
export interface QueryResult<R = Record<string, unknown>> {
  readonly rows: R[];
  readonly rowCount: number;
}

/** One batch of `ctx.batches`: the keys it covers (as text, in order) and the connection to use. */
export interface Batch {
  /** The key values of the batch's rows, as text (`key::text`), ascending. */
  readonly keys: readonly string[];
  readonly first: string;
  readonly last: string;
  /** Runs in the batch's transaction: what it changes commits with the batch's progress. */
  readonly query: MigrationContext['query'];
}

export interface BatchOptions {
  /** The table to walk, unqualified (found through the search path: the tenant's first). */
  readonly table: string;
  /** A unique, orderable column (default `id`): batches go by key ranges, never by offset. */
  readonly key?: string;
  /** Rows per batch (default 1000). */
  readonly size?: number;
  /** Tells apart several `batches` calls of one migration (default: the table's name). */
  readonly label?: string;
}

/**
 * What a code migration's `up` and `down` receive, for one schema.
 *
 * @example
 * import type { MigrationContext } from 'pgfleet';
 * export async function up({ query }: MigrationContext): Promise<void> {
 *   const { rows } = await query('SELECT id, name FROM services_service');
 *   for (const r of rows) await query('UPDATE services_service SET slug = $1 WHERE id = $2', [slugify(r.name), r.id]);
 * }
 */
export interface MigrationContext {
  /**
   * Runs `text` (with `$1`... `params`) on the schema's own connection, with the search path
   * set to the schema (then the shared schema, for a tenant): inside the schema's
   * transaction by default, on its own with `export const transaction = false`.
   */
  // biome-ignore lint/suspicious/noExplicitAny: rows are untyped unless the caller names R, as in node-postgres
  query<R = Record<string, any>>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /** The schema being migrated. */
  readonly schema: string;
  readonly scope: Scope;
  /** The tenant's name (its schema); null for the shared schema. */
  readonly tenant: string | null;
  /**
   * Walks `table` in key order, `size` rows at a time, calling `each` per batch. With
   * `export const transaction = false`, every batch is its own transaction that also records
   * how far it got (pgfleet.batch_progress), so a run that was killed continues after the
   * last batch that committed and no row is processed twice. In a transactional migration
   * the batches share the migration's one transaction.
   */
  batches(options: BatchOptions, each: (batch: Batch) => Promise<void>): Promise<{ batches: number; rows: number }>;
}

/** Where a code migration keeps how far its batches got, between runs. */
export const BATCH_PROGRESS = qualified(LEDGER_SCHEMA, 'batch_progress');

const PROGRESS_LOCK = `${LOCK_NAMESPACE}::bigint << 32`;

const CREATE_PROGRESS = `CREATE TABLE IF NOT EXISTS ${BATCH_PROGRESS} (
  schema_name text NOT NULL,
  version text NOT NULL,
  direction text NOT NULL CHECK (direction IN ('up', 'down')),
  label text NOT NULL,
  last_key text NOT NULL,
  rows bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (schema_name, version, direction, label)
)`;

/**
 * Make the progress table when it is not there; an advisory lock makes concurrent schemas
 * wait for one CREATE. Its key is a single bigint, a key space apart from the two-int keys
 * of the run lock and the schema locks (the run lock is held by this run's coordinator).
 */
export async function ensureBatchProgress(client: pg.ClientBase): Promise<void> {
  const there = await client.query('SELECT to_regclass($1) IS NOT NULL AS ok', [`${LEDGER_SCHEMA}.batch_progress`]);
  if (there.rows[0].ok) return;
  await client.query(
    `BEGIN; SELECT pg_advisory_xact_lock(${PROGRESS_LOCK}); CREATE SCHEMA IF NOT EXISTS ${ident(LEDGER_SCHEMA)}; ${CREATE_PROGRESS}; COMMIT`,
  );
}

/** SQL that forgets the progress of a schema's migration: it finished (or was rolled back), so a rerun starts afresh. */
export const forgetProgressSql = (schema: string, version: string): string =>
  `DELETE FROM ${BATCH_PROGRESS} WHERE schema_name = ${literal(schema)} AND version = ${literal(version)}`;

export interface ContextTarget {
  readonly schema: string;
  readonly scope: Scope;
}

/**
 * The context for one schema on `client`. `progress` (non-transactional migrations) makes
 * every batch its own transaction with its progress row; without it, everything runs in
 * the transaction the caller opened.
 */
export function migrationContext(
  client: pg.ClientBase,
  target: ContextTarget,
  progress?: { readonly version: string; readonly direction: 'up' | 'down'; readonly searchPath: string },
): MigrationContext {
  const query = async <R>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>> => {
    const r = (await client.query(text, params as unknown[] | undefined)) as pg.QueryResult | pg.QueryResult[];
    // Several statements without parameters come back as one result each: the last one counts.
    const last = Array.isArray(r) ? r[r.length - 1] : r;
    return { rows: (last?.rows ?? []) as R[], rowCount: last?.rowCount ?? 0 };
  };
  const batches: MigrationContext['batches'] = async (options, each) => {
    const key = options.key ?? 'id';
    const size = options.size ?? 1000;
    if (!Number.isInteger(size) || size < 1)
      throw new Error(`batches: size must be a whole number of at least 1, got ${size}`);
    const label = options.label ?? options.table;
    const select = (after: boolean) =>
      `SELECT ${ident(key)}::text AS k FROM ${ident(options.table)}${after ? ` WHERE ${ident(key)} > $1` : ''} ORDER BY ${ident(key)} LIMIT ${size}`;
    let last: string | null = null;
    let count = 0;
    let rows = 0;
    if (progress) {
      const r = await client.query(
        `SELECT last_key, rows FROM ${BATCH_PROGRESS} WHERE schema_name = $1 AND version = $2 AND direction = $3 AND label = $4`,
        [target.schema, progress.version, progress.direction, label],
      );
      if (r.rows[0]) {
        last = r.rows[0].last_key;
        rows = Number(r.rows[0].rows);
      }
    }
    for (;;) {
      if (progress) await client.query(`BEGIN; SET LOCAL search_path = ${progress.searchPath}`);
      try {
        const found = await client.query<{ k: string }>(select(last !== null), last !== null ? [last] : []);
        const keys = found.rows.map((r) => r.k);
        if (keys.length > 0) {
          await each({ keys, first: keys[0], last: keys[keys.length - 1], query });
          last = keys[keys.length - 1];
          rows += keys.length;
          count++;
          if (progress) {
            await client.query(
              `INSERT INTO ${BATCH_PROGRESS} (schema_name, version, direction, label, last_key, rows) VALUES ($1, $2, $3, $4, $5, $6)
               ON CONFLICT (schema_name, version, direction, label) DO UPDATE SET last_key = EXCLUDED.last_key, rows = EXCLUDED.rows, updated_at = now()`,
              [target.schema, progress.version, progress.direction, label, last, rows],
            );
          }
        }
        if (progress) await client.query('COMMIT');
        if (keys.length < size) return { batches: count, rows };
      } catch (error) {
        if (progress) await client.query('ROLLBACK').catch(() => {});
        throw error;
      }
    }
  };
  return {
    query,
    schema: target.schema,
    scope: target.scope,
    tenant: target.scope === 'tenant' ? target.schema : null,
    batches,
  };
}

import pg from 'pg';
import { connect, safeUrl } from '../devdb/dev-database.js';
import { PgfleetError } from '../errors.js';
import type { Config } from '../load/config.js';
import type { MigrationSet } from '../migrations/index.js';
import { LOCK_NAMESPACE } from './claim.js';
import { CREATE_HISTORY, CREATE_STEP_PROGRESS, type HistoryRow, readHistory } from './history.js';
import { LEDGER_SCHEMA, listTenants, type TenantList } from './targets.js';

/**
 * A connection to the fleet's database for one run: the coordinator connection (which holds
 * the run lock and reads history), plus a pool of `concurrency` connections for the work,
 * so a run never uses more than concurrency + 1.
 */
export interface FleetConnection {
  readonly url: string;
  readonly coordinator: pg.Client;
  readonly pool: pg.Pool;
  close(): Promise<void>;
}

export async function openFleet(url: string, concurrency: number): Promise<FleetConnection> {
  const coordinator = await connect(url);
  // application_name lets a DBA see (and tests find) pgfleet's connections in pg_stat_activity.
  const pool = new pg.Pool({
    connectionString: url,
    max: concurrency,
    connectionTimeoutMillis: 10_000,
    application_name: 'pgfleet',
  });
  // A pooled connection that the server drops (idle or in use) must not crash the process:
  // the query running on it fails, and that schema's result says so.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  return {
    url,
    coordinator,
    pool,
    async close() {
      await pool.end().catch(() => {});
      await coordinator.end().catch(() => {});
    },
  };
}

/** Take the run lock, so two `migrate` (or rollback) runs never work on one database at once. */
export async function lockRun(fleet: FleetConnection, what: string): Promise<void> {
  const r = await fleet.coordinator.query('SELECT pg_try_advisory_lock($1, 0) AS ok', [LOCK_NAMESPACE]);
  if (!r.rows[0].ok) {
    throw new PgfleetError(
      'lock',
      `another pgfleet run holds the lock on ${safeUrl(fleet.url)}; not starting ${what}`,
      {
        hint: 'wait for the other run to finish (`pgfleet status` shows progress), then run this again',
      },
    );
  }
  await ensureHistory(fleet.coordinator);
}

/**
 * Create the ledger on the first run (under the run lock, so two first runs never race on
 * CREATE TABLE). Only then: `CREATE SCHEMA IF NOT EXISTS` checks CREATE on the database even
 * when the schema exists, and a role without it must still be able to run once it does.
 */
export async function ensureHistory(client: pg.ClientBase): Promise<void> {
  const r = await client.query(
    `SELECT to_regclass('${LEDGER_SCHEMA}.history') IS NOT NULL AS history, to_regclass('${LEDGER_SCHEMA}.step_progress') IS NOT NULL AS steps`,
  );
  if (!r.rows[0].history) await client.query(CREATE_HISTORY);
  // A ledger made before migrations had steps gains the table of their progress.
  else if (!r.rows[0].steps) await client.query(CREATE_STEP_PROGRESS);
}

export interface FleetSnapshot {
  readonly tenants: TenantList;
  readonly history: Map<string, HistoryRow[]>;
  /** Schemas that exist in the database (of the shared schema and the tenants). */
  readonly existing: ReadonlySet<string>;
}

/**
 * Targets, history and which schemas exist: three queries, whatever the fleet's size.
 * `beforeShared`: the shared schema is not migrated yet, so a tenants query over a table it
 * will create (django-tenants' tenants_client) finds no tenants instead of failing.
 */
export const snapshot = (
  fleet: FleetConnection,
  config: Config,
  only?: string,
  beforeShared = false,
): Promise<FleetSnapshot> => snapshotOf(fleet.coordinator, config, only, beforeShared);

/** {@link snapshot} read on any connection (baseline has no fleet pool). */
export async function snapshotOf(
  c: pg.ClientBase,
  config: Config,
  only?: string,
  beforeShared = false,
): Promise<FleetSnapshot> {
  const tenants =
    only !== undefined
      ? { tenants: only === config.shared.schema ? [] : [only], invalid: [] }
      : await listTenants(c, config).catch((error) => {
          if (
            beforeShared &&
            (error as PgfleetError).cause &&
            ((error as PgfleetError).cause as { code?: string }).code === '42P01'
          ) {
            return { tenants: [], invalid: [] };
          }
          throw error;
        });
  const history = await readHistory(c);
  const r = await c.query<{ nspname: string }>('SELECT nspname FROM pg_namespace WHERE nspname = ANY($1)', [
    [config.shared.schema, ...tenants.tenants],
  ]);
  return { tenants, history, existing: new Set(r.rows.map((row) => row.nspname)) };
}

export const migrationsOf = (set: MigrationSet, scope: 'shared' | 'tenant') => set[scope];

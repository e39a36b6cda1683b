import type pg from 'pg';
import type { Config } from '../config/config.js';
import { connect } from '../devdb/dev-database.js';
import type { PgfleetError } from '../errors.js';
import type { MigrationSet } from '../migrations/index.js';
import { LOCK_NAMESPACE } from './claim.js';
import type { EarlyConnection } from './early-connection.js';
import { fleetPool } from './fleet-pool.js';
import { CREATE_HISTORY, CREATE_STEP_PROGRESS, type HistoryRow, readHistory, STEP_PROGRESS } from './history.js';
import { CREATE_RUN_LOCK, type LeaseOptions, RUN_LOCK, type RunLease, takeRunLease } from './run-lease.js';
import { type SessionAccess, sessionAccess } from './session-access.js';
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
  /** The run lock once `lockRun` took it (released by `close`). */
  readonly lease: RunLease | null;
  /** How work that needs a real session reaches one (directDatabase, or this URL when it is not a pooler). */
  readonly session: SessionAccess;
  close(): Promise<void>;
}

export interface FleetOptions {
  /** The run lock's lease (expiry, notices while waiting for a dead holder's lease). */
  readonly lease?: LeaseOptions;
  /** `directDatabase`: a URL that reaches Postgres itself, not through a pooler. */
  readonly directUrl?: string | null;
  /** The coordinator's connection, already on its way (see early-connection.ts). */
  readonly early?: EarlyConnection | null;
}

export async function openFleet(
  url: string,
  concurrency: number,
  options: FleetOptions = {},
): Promise<FleetConnection> {
  const coordinator = await (options.early?.take(url) ?? connect(url));
  const pool = fleetPool(url, concurrency);
  const session = sessionAccess(url, options.directUrl ?? null, concurrency);
  const fleet = {
    url,
    coordinator,
    pool,
    lease: null as RunLease | null,
    session,
    leaseOptions: options.lease ?? {},
    async close() {
      await fleet.lease?.release();
      await session.close();
      await pool.end().catch(() => {});
      await coordinator.end().catch(() => {});
    },
  };
  return fleet;
}

/**
 * Open `n` of the pool's connections now, in the background, while the run's last catalog
 * reads go over the coordinator: the first schemas then find them ready instead of each
 * waiting for a connection (a backend start: milliseconds idle, tens of them on a busy
 * server). A connection that fails here is left to fail, and be reported, where it is used.
 */
export function warmPool(pool: pg.Pool, n: number): void {
  for (let i = 0; i < n; i++) {
    pool.connect().then(
      (client) => client.release(),
      () => {},
    );
  }
}

/**
 * Take the run lock, so two `migrate` (or rollback) runs never work on one database at once:
 * a lease row (see run-lease.ts), which holds through a transaction-mode pooler where a
 * session advisory lock would not. Released by `fleet.close()`.
 */
export async function lockRun(fleet: FleetConnection, what: string): Promise<void> {
  if (fleet.lease) return;
  await ensureHistory(fleet.coordinator);
  const options = (fleet as { leaseOptions?: LeaseOptions }).leaseOptions ?? {};
  (fleet as { lease: RunLease | null }).lease = await takeRunLease(fleet.coordinator, fleet.url, what, options);
}

/**
 * Create the ledger and the run lock's table on the first run. Only then: `CREATE SCHEMA IF
 * NOT EXISTS` checks CREATE on the database even when the schema exists, and a role without
 * it must still be able to run once it does. Two first runs must not race on CREATE TABLE:
 * a transaction-scoped advisory lock (safe through a pooler) makes the second wait for the
 * first's commit, after which its IF NOT EXISTS finds the tables.
 */
export async function ensureHistory(client: pg.ClientBase): Promise<void> {
  const there = await client.query<{ schema: boolean; history: boolean; steps: boolean; lock: boolean }>(
    `SELECT to_regnamespace($1) IS NOT NULL AS schema, to_regclass($2) IS NOT NULL AS history,
            to_regclass($3) IS NOT NULL AS steps, to_regclass($4) IS NOT NULL AS lock`,
    [LEDGER_SCHEMA, `${LEDGER_SCHEMA}.history`, STEP_PROGRESS, RUN_LOCK],
  );
  const { schema, history, steps, lock } = there.rows[0];
  if (history && steps && lock) return;
  // CREATE_HISTORY is `CREATE SCHEMA IF NOT EXISTS ...; CREATE TABLE IF NOT EXISTS history ...;
  // CREATE TABLE IF NOT EXISTS step_progress ...`: each part runs only when its object is
  // missing (each checks a privilege even when it exists), so a ledger made by an older
  // pgfleet gains the tables it lacks.
  const [createSchema, createHistory] = CREATE_HISTORY.split(/;\n(?=CREATE TABLE)/);
  const sql = [
    'BEGIN',
    `SELECT pg_advisory_xact_lock(${LOCK_NAMESPACE}, 0)`,
    ...(schema ? [] : [createSchema]),
    ...(history ? [] : [createHistory]),
    ...(steps ? [] : [CREATE_STEP_PROGRESS]),
    ...(lock ? [] : [CREATE_RUN_LOCK]),
    'COMMIT',
  ];
  try {
    await client.query(sql.join(';\n'));
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
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

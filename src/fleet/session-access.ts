import pg from 'pg';
import { safeUrl } from '../devdb/dev-database.js';
import { PgfleetError } from '../errors.js';
import { fleetPool } from './fleet-pool.js';

/**
 * What a database URL reaches, as far as pgfleet can tell without a pooler's admin console:
 * - `postgres`: a real session (Postgres itself, or a proxy that keeps one server connection
 *   per client, as PgBouncer in session mode or RDS Proxy once pinned do);
 * - `pgbouncer`: a PgBouncer; its pool mode cannot be read from a client connection, so
 *   transaction mode, the common and strictest one, is assumed;
 * - `pooler`: something that accepted the connection but dropped its startup options, so
 *   it does not hand the client one session of its own: transaction pooling is assumed.
 *
 * The probe: one extra connection that asks for a made-up setting in the startup packet's
 * `options` (`-c pgfleet.session_probe=on`) and reads it back. Postgres applies it. PgBouncer
 * refuses a startup parameter it does not know, `options` included ("unsupported startup
 * parameter: options", SQLSTATE 08P01), unless told to ignore it, and then the setting is
 * not there. `SHOW VERSION` would need the admin console (a user in `admin_users` and the
 * `pgbouncer` database), which an application's role rarely has.
 */
export type ConnectionKind = 'postgres' | 'pgbouncer' | 'pooler';

export interface ConnectionMode {
  readonly kind: ConnectionKind;
  /** The pooling assumed: `session` state lasts for the connection, `transaction` only to the transaction's end. */
  readonly assumed: 'session' | 'transaction';
  /** How pgfleet told, in words. */
  readonly evidence: string;
}

const PROBE = 'pgfleet.session_probe';

/** Connect to `url` with a startup option and see what became of it. */
export async function probeConnection(url: string): Promise<ConnectionMode & { database: string | null }> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000, options: `-c ${PROBE}=on` });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (cause) {
    const e = cause as Error & { code?: string };
    await client.end().catch(() => {});
    if (e.code === '08P01' && /startup parameter/i.test(e.message)) {
      return {
        kind: 'pgbouncer',
        assumed: 'transaction',
        evidence: `it refused the startup option a Postgres server accepts (${e.message})`,
        database: null,
      };
    }
    throw new PgfleetError('connection', `could not connect to ${safeUrl(url)}: ${e.message}`, {
      hint: 'check that the server is running and the URL is right',
      cause,
    });
  }
  try {
    const r = await client.query<{ probe: string | null; db: string }>(
      `SELECT current_setting($1, true) AS probe, current_database() AS db`,
      [PROBE],
    );
    const { probe, db } = r.rows[0];
    return probe === 'on'
      ? { kind: 'postgres', assumed: 'session', evidence: 'its sessions keep a startup option', database: db }
      : {
          kind: 'pooler',
          assumed: 'transaction',
          evidence: 'it dropped a startup option Postgres would have kept',
          database: db,
        };
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Where work that needs a real session goes (statements that cannot run in a transaction
 * block, with their session-level search_path and lock_timeout):
 * - `same`: the fleet's own connections are real sessions;
 * - a pool on `directDatabase`;
 * - `null`: only a transaction pooler is there: no session state may be used.
 */
export type StepSession = 'same' | pg.Pool | null;

export interface SessionAccess {
  /** directDatabase, without its password, or null. */
  readonly direct: string | null;
  /** What the database URL reaches (probed once, on first use). */
  mode(): Promise<ConnectionMode>;
  /** A real session for non-transactional steps (see StepSession). */
  session(): Promise<StepSession>;
  close(): Promise<void>;
}

export function sessionAccess(url: string, directUrl: string | null, concurrency: number): SessionAccess {
  let mode: Promise<ConnectionMode & { database: string | null }> | null = null;
  let direct: Promise<pg.Pool> | null = null;
  const probed = () => {
    mode ??= probeConnection(url);
    return mode;
  };
  const openDirect = async (given: string): Promise<pg.Pool> => {
    const [seen, main] = await Promise.all([probeConnection(given), probed()]);
    if (seen.kind !== 'postgres') {
      throw new PgfleetError(
        'input',
        `directDatabase ${safeUrl(given)} does not reach Postgres itself: ${seen.evidence}`,
        { hint: 'point directDatabase at the Postgres server (its host and port), not at the pooler' },
      );
    }
    if (main.database !== null && seen.database !== main.database) {
      throw new PgfleetError(
        'input',
        `directDatabase ${safeUrl(given)} is database "${seen.database}", but ${safeUrl(url)} is "${main.database}"`,
        { hint: 'directDatabase must reach the same database as the pooled URL, without the pooler' },
      );
    }
    return fleetPool(given, concurrency);
  };
  return {
    direct: directUrl ? safeUrl(directUrl) : null,
    mode: async () => {
      const { database: _, ...m } = await probed();
      return m;
    },
    async session() {
      if (directUrl) {
        direct ??= openDirect(directUrl);
        return direct;
      }
      return (await probed()).kind === 'postgres' ? 'same' : null;
    },
    async close() {
      if (direct) await (await direct.catch(() => null))?.end().catch(() => {});
    },
  };
}

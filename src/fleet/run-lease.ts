import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type pg from 'pg';
import { safeUrl } from '../devdb/dev-database.js';
import { PgfleetError } from '../errors.js';
import { qualified } from '../plan/quote.js';
import { LEDGER_SCHEMA } from './targets.js';

/**
 * The run lock as a lease row in pgfleet's own schema, so that it holds through a
 * transaction-mode pooler (PgBouncer, RDS Proxy, Supavisor): a session advisory lock would
 * belong to whichever pooled server connection ran it, leak to the next client and never be
 * released. The lease is taken, renewed and released in statements of their own, each its
 * own short transaction, on any connection; it names its holder and expires when not renewed.
 *
 * One row per database (`id` is always true): whoever has it may run `migrate`, `rollback`,
 * `tenant drop` or `baseline` there. A holder renews it every `heartbeatMs`; a run that finds
 * it held watches it: a renewal proves the holder alive and the run is refused (exit 3),
 * while a lease left to expire (its holder was killed, or lost its connection) is taken over
 * once it has expired, saying so. So a run waits at most the lease's expiry.
 */
export const RUN_LOCK = qualified(LEDGER_SCHEMA, 'run_lock');

export const CREATE_RUN_LOCK = `CREATE TABLE IF NOT EXISTS ${RUN_LOCK} (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  owner text NOT NULL,
  holder text NOT NULL,
  taken_at timestamptz NOT NULL,
  heartbeat_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  backend_pid integer,
  backend_start timestamptz,
  direct boolean NOT NULL DEFAULT false
)`;

/** Default lease: a dead holder's run lock is free again after this long. */
export const DEFAULT_EXPIRY_MS = 60_000;

/** How often a holder renews: often enough that a watcher sees it alive well before the expiry. */
export const heartbeatOf = (expiryMs: number): number => Math.max(100, Math.min(2_000, Math.floor(expiryMs / 6)));

export interface LeaseOptions {
  /** How long a lease lives without renewal (pgfleet.yaml `runLock.expirySeconds`). */
  readonly expiryMs?: number;
  /** Told while waiting for a lease whose holder may be dead, and when one is taken over. */
  readonly onNotice?: (message: string) => void;
}

/** A held run lock. `lost` turns true when a renewal finds that another run has it. */
export interface RunLease {
  readonly owner: string;
  readonly lost: boolean;
  /** What happened while taking it (a takeover), for the run's result. */
  readonly notices: readonly string[];
  release(): Promise<void>;
}

interface Sighting {
  readonly taken: boolean;
  /** The row as it was before this attempt (null: none). */
  readonly owner: string | null;
  readonly holder: string | null;
  readonly heartbeat: string | null;
  readonly expiresInMs: number;
  readonly heartbeatAgeMs: number;
  /** Its holder was connected straight to Postgres and that backend is gone: it is dead. */
  readonly gone: boolean;
}

/**
 * A holder connected straight to Postgres (no pooler: the server sees the client's own TCP
 * port) records its backend; when that backend is gone, the holder is dead and its lease is
 * free at once, as a session advisory lock would have been. Behind a pooler the backend is
 * the pool's and outlives the client, so only the expiry tells. pg_stat_get_activity(pid) is
 * the pg_stat_activity view's own function for one backend (all of them for NULL, hence the
 * pid test), without the view's joins, which cost a new backend 4-5 ms of catalog reads on
 * every run.
 */
const HOLDER_GONE = (row: string) =>
  `(${row}.direct AND NOT EXISTS (SELECT FROM pg_catalog.pg_stat_get_activity(${row}.backend_pid) a
      WHERE a.pid = ${row}.backend_pid AND (a.backend_start IS NULL OR a.backend_start = ${row}.backend_start)))`;

const SIGHTING = (row: string) => `${row}.owner, ${row}.holder, ${row}.heartbeat_at::text AS heartbeat,
  coalesce(extract(epoch FROM ${row}.expires_at - clock_timestamp()) * 1000, 0)::float8 AS expires_in_ms,
  coalesce(extract(epoch FROM clock_timestamp() - ${row}.heartbeat_at) * 1000, 0)::float8 AS heartbeat_age_ms,
  coalesce(${HOLDER_GONE(row)}, false) AS gone`;

const sighting = (row: Record<string, unknown>, taken: boolean): Sighting => ({
  taken,
  owner: row.owner as string | null,
  holder: row.holder as string | null,
  heartbeat: row.heartbeat as string | null,
  expiresInMs: row.expires_in_ms as number,
  heartbeatAgeMs: row.heartbeat_age_ms as number,
  gone: row.gone as boolean,
});

/** The local TCP port of `client`'s socket (null on a Unix socket): what the server sees as inet_client_port() when nothing is in between. */
const localPort = (client: pg.ClientBase): number | null =>
  (client as unknown as { connection?: { stream?: { localPort?: number } } }).connection?.stream?.localPort ?? null;

/**
 * One attempt, one statement (so one transaction, wherever the pooler sends it): insert the
 * lease, or replace one that has expired or whose holder is gone. The row's earlier state
 * comes back for messages. Times are the server's, so the clocks of the machines running
 * pgfleet never matter.
 */
async function attempt(client: pg.ClientBase, owner: string, holder: string, expiryMs: number): Promise<Sighting> {
  const r = await client.query(
    `WITH prior AS (SELECT * FROM ${RUN_LOCK}),
          taken AS (
            INSERT INTO ${RUN_LOCK} AS l (id, owner, holder, taken_at, heartbeat_at, expires_at, backend_pid, backend_start, direct)
            SELECT true, $1, $2, clock_timestamp(), clock_timestamp(), clock_timestamp() + $3 * interval '1 millisecond',
                   pg_backend_pid(), a.backend_start, coalesce(inet_client_port() = $4, false)
              FROM (SELECT) one LEFT JOIN pg_catalog.pg_stat_get_activity(pg_backend_pid()) a ON true
            ON CONFLICT (id) DO UPDATE
               SET owner = EXCLUDED.owner, holder = EXCLUDED.holder, taken_at = EXCLUDED.taken_at,
                   heartbeat_at = EXCLUDED.heartbeat_at, expires_at = EXCLUDED.expires_at,
                   backend_pid = EXCLUDED.backend_pid, backend_start = EXCLUDED.backend_start, direct = EXCLUDED.direct
             WHERE l.expires_at <= clock_timestamp() OR ${HOLDER_GONE('l')}
            RETURNING 1)
     SELECT EXISTS (SELECT FROM taken) AS taken, ${SIGHTING('p')}
       FROM (SELECT) one LEFT JOIN prior p ON true`,
    [owner, holder, expiryMs, localPort(client)],
  );
  return sighting(r.rows[0], r.rows[0].taken);
}

/** The lease as it is, without taking it. */
async function look(client: pg.ClientBase): Promise<Sighting> {
  const r = await client.query(`SELECT ${SIGHTING('p')} FROM (SELECT) one LEFT JOIN ${RUN_LOCK} p ON true`);
  return sighting(r.rows[0], false);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seconds = (ms: number) => `${(Math.max(0, ms) / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

/**
 * Take the run lock of the database `client` is connected to, for `what` (e.g. `migrate`).
 * Held by a live run: refused (`PgfleetError('lock')`, exit 3) as soon as its holder renews
 * it. Held by a run that stopped renewing: waits until the lease has expired (at most its
 * expiry) and takes it over. `client` is used for the renewals too, one statement each.
 */
export async function takeRunLease(
  client: pg.ClientBase,
  url: string,
  what: string,
  options: LeaseOptions = {},
): Promise<RunLease> {
  const expiryMs = options.expiryMs ?? DEFAULT_EXPIRY_MS;
  const heartbeatMs = heartbeatOf(expiryMs);
  const owner = randomUUID();
  const holder = `${what}, pid ${process.pid} on ${hostname()}`;
  const notices: string[] = [];
  const refuse = (s: Sighting) =>
    new PgfleetError(
      'lock',
      `another pgfleet run (${s.holder ?? 'one that started just now'}) holds the run lock on ${safeUrl(url)} and is alive (it renewed or released its lease); not starting ${what}`,
      {
        hint: `wait for the other run to finish (\`pgfleet status\` shows progress), then run this again; a run that died frees the lock ${seconds(expiryMs)} after its last heartbeat (runLock.expirySeconds in pgfleet.yaml)`,
      },
    );

  const tookOver = (s: Sighting) => {
    const why =
      s.expiresInMs <= 0
        ? `its lease expired ${seconds(-s.expiresInMs)} ago without a heartbeat`
        : 'its connection to Postgres is gone';
    const notice = `took over the run lock on ${safeUrl(url)} from ${s.holder}: ${why} (that run was killed or lost its connection); what it committed is in the history, the rest runs now`;
    notices.push(notice);
    options.onNotice?.(notice);
  };
  const first = await attempt(client, owner, holder, expiryMs);
  if (first.taken) {
    // A row was there when we took it: it had expired.
    if (first.owner !== null) tookOver(first);
  } else {
    // Held: watch it until it expires, unless its holder shows that it is alive by renewing
    // or releasing it (a run that finished while we looked was alive to its end: as with two
    // runs started together, the later one is refused rather than queued behind it).
    options.onNotice?.(
      `the run lock on ${safeUrl(url)} is held by ${first.holder ?? 'another run'} (last heartbeat ${seconds(first.heartbeatAgeMs)} ago); waiting up to ${seconds(first.expiresInMs)} for it to renew or expire`,
    );
    for (let seen = first; ; ) {
      await sleep(Math.max(20, Math.min(heartbeatMs / 2, seen.expiresInMs + 20)));
      seen = await look(client);
      if (seen.owner !== first.owner || seen.heartbeat !== first.heartbeat) throw refuse(first);
      if (seen.expiresInMs > 0 && !seen.gone) continue;
      const taken = await attempt(client, owner, holder, expiryMs);
      // Another waiter took it first: that run is alive.
      if (!taken.taken) throw refuse(taken);
      tookOver(taken);
      break;
    }
  }

  let lost = false;
  let renewing: Promise<void> | null = null;
  const renew = async () => {
    const r = await client.query(
      `UPDATE ${RUN_LOCK} SET heartbeat_at = clock_timestamp(), expires_at = clock_timestamp() + $2 * interval '1 millisecond'
        WHERE owner = $1`,
      [owner, expiryMs],
    );
    if (r.rowCount === 0) lost = true;
  };
  const timer = setInterval(() => {
    // One renewal at a time: on a busy connection they queue behind its work.
    renewing ??= renew()
      .catch(() => {})
      .finally(() => {
        renewing = null;
      });
  }, heartbeatMs);
  timer.unref();
  let released = false;
  return {
    owner,
    get lost() {
      return lost;
    },
    notices,
    async release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      await renewing;
      await client.query(`DELETE FROM ${RUN_LOCK} WHERE owner = $1`, [owner]).catch(() => {});
    },
  };
}

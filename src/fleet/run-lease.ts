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
  expires_at timestamptz NOT NULL
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
}

/**
 * One attempt, one statement (so one transaction, wherever the pooler sends it): insert the
 * lease, or replace one that has expired. The row's earlier state comes back for messages.
 * Times are the server's, so clocks of the machines running pgfleet never matter.
 */
async function attempt(client: pg.ClientBase, owner: string, holder: string, expiryMs: number): Promise<Sighting> {
  const r = await client.query(
    `WITH prior AS (SELECT owner, holder, heartbeat_at, expires_at FROM ${RUN_LOCK}),
          taken AS (
            INSERT INTO ${RUN_LOCK} AS l (id, owner, holder, taken_at, heartbeat_at, expires_at)
            VALUES (true, $1, $2, clock_timestamp(), clock_timestamp(), clock_timestamp() + $3 * interval '1 millisecond')
            ON CONFLICT (id) DO UPDATE
               SET owner = EXCLUDED.owner, holder = EXCLUDED.holder, taken_at = EXCLUDED.taken_at,
                   heartbeat_at = EXCLUDED.heartbeat_at, expires_at = EXCLUDED.expires_at
             WHERE l.expires_at <= clock_timestamp()
            RETURNING 1)
     SELECT EXISTS (SELECT FROM taken) AS taken, p.owner, p.holder, p.heartbeat_at::text AS heartbeat,
            coalesce(extract(epoch FROM p.expires_at - clock_timestamp()) * 1000, 0)::float8 AS expires_in_ms,
            coalesce(extract(epoch FROM clock_timestamp() - p.heartbeat_at) * 1000, 0)::float8 AS heartbeat_age_ms
       FROM (SELECT) one LEFT JOIN prior p ON true`,
    [owner, holder, expiryMs],
  );
  const row = r.rows[0];
  return {
    taken: row.taken,
    owner: row.owner,
    holder: row.holder,
    heartbeat: row.heartbeat,
    expiresInMs: row.expires_in_ms,
    heartbeatAgeMs: row.heartbeat_age_ms,
  };
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
      `another pgfleet run (${s.holder}) holds the run lock on ${safeUrl(url)} and is alive (it renewed its lease); not starting ${what}`,
      {
        hint: `wait for the other run to finish (\`pgfleet status\` shows progress), then run this again; a run that died frees the lock ${seconds(expiryMs)} after its last heartbeat (runLock.expirySeconds in pgfleet.yaml)`,
      },
    );

  const tookOver = (s: Sighting) => {
    const notice = `took over the run lock on ${safeUrl(url)} from ${s.holder}: its lease expired ${seconds(-s.expiresInMs)} ago without a heartbeat (that run was killed or lost its connection); what it committed is in the history, the rest runs now`;
    notices.push(notice);
    options.onNotice?.(notice);
  };
  let seen = await attempt(client, owner, holder, expiryMs);
  const watched = seen;
  // Wait for the lease to expire, unless its holder shows it is alive by renewing it.
  while (!seen.taken) {
    if (seen.owner !== null) {
      if (seen.owner !== watched.owner || seen.heartbeat !== watched.heartbeat) throw refuse(seen);
      if (seen === watched) {
        options.onNotice?.(
          `the run lock on ${safeUrl(url)} is held by ${seen.holder} (last heartbeat ${seconds(seen.heartbeatAgeMs)} ago); waiting up to ${seconds(seen.expiresInMs)} for it to renew or expire`,
        );
      }
      await sleep(Math.max(20, Math.min(heartbeatMs / 2, seen.expiresInMs + 20)));
    }
    // (No row: released between our look and our insert; try again at once.)
    seen = await attempt(client, owner, holder, expiryMs);
  }
  // A row was there when we took it: it had expired.
  if (seen.owner !== null) tookOver(seen);

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

import type { Config } from '../config/config.js';
import { safeUrl } from '../devdb/dev-database.js';
import { PgfleetError } from '../errors.js';
import type { SchemaResult } from './apply-schema.js';
import type { EarlyConnection } from './early-connection.js';
import { type FleetConnection, openFleet } from './fleet.js';
import { privilegeError } from './privileges.js';
import { summaryOf } from './results.js';
import type { RolloutReport } from './rollout.js';
import type { RunOptions, RunResult } from './run.js';

/** A run's result, with what each wave did when the run went in rollout waves. */
type RolloutRunResult = RunResult & { readonly rollout?: RolloutReport };

/**
 * The databases of a fleet (`database:` or `databases:` of pgfleet.yaml): which one a
 * command works on, a connection to each, and one result for a run across them all.
 */

/** The fleet's one database URL, for the commands that read a single database (diff, drift). */
export function databaseUrlOf(project: { readonly config: Config }): string {
  const url = project.config.database;
  if (!url) {
    throw new PgfleetError('input', 'no database to connect to', {
      hint: 'pass --database-url, set DATABASE_URL, or set `database:` in pgfleet.yaml',
    });
  }
  return url;
}

type Database = Config['databases'][number];

export function databasesOf(project: { readonly config: Config }): readonly Database[] {
  if (project.config.databases.length === 0) {
    throw new PgfleetError('input', 'no database to connect to', {
      hint: 'pass --database-url, set DATABASE_URL, or set `database:` (or `databases:`) in pgfleet.yaml',
    });
  }
  return project.config.databases;
}

/** The one database a single-target operation works on; with several, --database-url must pick it. */
export function oneDatabase(project: { readonly config: Config }, what: string): Database {
  const all = databasesOf(project);
  if (all.length > 1) {
    throw new PgfleetError('input', `${what} needs one database, and pgfleet.yaml lists ${all.length}`, {
      hint: `pass --database-url with one of: ${all.map((d) => safeUrl(d.url)).join(', ')}`,
    });
  }
  return all[0];
}

/** Told while a run waits for the run lock of a run that may be dead, and when it takes it over. */
export interface NoticeOptions {
  readonly onNotice?: (message: string) => void;
}

/** How a fleet's connections open: notices, and the coordinator's connection if it was opened early. */
export interface OpenOptions extends NoticeOptions {
  readonly early?: EarlyConnection | null;
}

export async function withFleet<T>(
  project: { readonly config: Config },
  db: Database,
  concurrency: number,
  work: (fleet: FleetConnection, config: Config) => Promise<T>,
  notice: OpenOptions = {},
): Promise<T> {
  const fleet = await openFleet(db.url, concurrency, {
    directUrl: db.direct ?? null,
    lease: { expiryMs: project.config.runLock?.expiryMs, onNotice: notice.onNotice },
    early: notice.early,
  });
  try {
    return await work(fleet, { ...project.config, tenants: db.tenants, database: db.url });
  } catch (error) {
    throw connectionLost(error, db.url);
  } finally {
    await fleet.close();
  }
}

/** A database error outside any one schema's work (the coordinator's connection) is a lost connection: exit 3. */
function connectionLost(error: unknown, url: string): unknown {
  if (error instanceof PgfleetError) return error;
  const denied = privilegeError(error, url, `working on ${safeUrl(url)}`);
  if (denied) return denied;
  const e = error as Error & { code?: string };
  const lost =
    /^(08|57)/.test(e.code ?? '') ||
    /Connection terminated|not queryable|ECONNRESET|ECONNREFUSED|EPIPE/.test(e.message);
  if (!lost) return error;
  return new PgfleetError('connection', `lost the connection to ${safeUrl(url)}: ${e.message}`, {
    hint: 'every schema is at a version recorded in history; run the command again to resume',
    cause: error,
  });
}

/**
 * Run on every database of the fleet at once. With one database, its errors are thrown as
 * they are (exit 2 or 3); with several, a database that cannot be reached or locked becomes
 * one failed entry, so the others are still done and reported.
 */
export async function acrossDatabases(
  project: { readonly config: Config },
  concurrency: number,
  target: Pick<RunOptions, 'direction' | 'only'>,
  run: (fleet: FleetConnection, config: Config) => Promise<RolloutRunResult>,
  notice: OpenOptions = {},
): Promise<RolloutRunResult> {
  const dbs = databasesOf(project);
  if (dbs.length === 1) return withFleet(project, dbs[0], concurrency, run, notice);
  const parts = await Promise.all(
    dbs.map(async (db): Promise<RolloutRunResult> => {
      const database = safeUrl(db.url);
      try {
        const r = await withFleet(project, db, concurrency, run, notice);
        return {
          ...r,
          results: r.results.map((x) => ({ ...x, database })),
          // Waves are resolved per database: each wave says which.
          rollout: r.rollout && { ...r.rollout, waves: r.rollout.waves.map((w) => ({ ...w, database })) },
        };
      } catch (error) {
        if (!(error instanceof PgfleetError) || error.code === 'input') throw error;
        const failed: SchemaResult = {
          database,
          ...unreached(project.config.shared.schema, target.only),
          status: 'failed',
          migrations: [],
          error: { migration: null, message: error.message },
          ms: 0,
          attempts: 0,
        };
        return {
          direction: target.direction,
          results: [failed],
          plan: [],
          summary: summaryOf([failed], 1, []),
        };
      }
    }),
  );
  const sum = (k: 'schemas' | 'applied' | 'upToDate' | 'failed' | 'locked' | 'skipped') =>
    parts.reduce((n, p) => n + p.summary[k], 0);
  const rollouts = parts.flatMap((p) => (p.rollout ? [p.rollout] : []));
  const notices = parts.flatMap((p) => p.notices ?? []);
  const connection = parts.flatMap((p) => p.connection ?? []);
  return {
    ...(notices.length > 0 ? { notices } : {}),
    ...(connection.length > 0 ? { connection } : {}),
    ...(rollouts.length > 0 && {
      rollout: {
        waves: rollouts.flatMap((r) => r.waves),
        halted: rollouts.find((r) => r.halted)?.halted ?? null,
        paused: rollouts.find((r) => r.paused)?.paused ?? null,
      },
    }),
    direction: target.direction,
    results: parts.flatMap((p) => p.results),
    plan: parts.flatMap((p) => p.plan),
    summary: {
      schemas: sum('schemas'),
      applied: sum('applied'),
      upToDate: sum('upToDate'),
      failed: sum('failed'),
      locked: sum('locked'),
      skipped: sum('skipped'),
      invalidNames: parts.flatMap((p) => p.summary.invalidNames),
    },
  };
}

/**
 * What a database that could not be run on stands for in the results: the one schema asked
 * for, else the shared schema when only it was, else all of the database's schemas (`*`).
 */
function unreached(sharedSchema: string, only: RunOptions['only']): Pick<SchemaResult, 'schema' | 'scope'> {
  if (only && 'schema' in only) {
    return { schema: only.schema, scope: only.schema === sharedSchema ? 'shared' : 'tenant' };
  }
  if (only?.scope === 'shared') return { schema: sharedSchema, scope: 'shared' };
  return { schema: '*', scope: only?.scope ?? 'shared' };
}

import { safeUrl } from '../devdb/dev-database.js';
import { PgfleetError } from '../errors.js';
import {
  type CreatedTenant,
  createTenant as create,
  dropTenant as drop,
  type FleetConnection,
  type FleetStatus,
  fleetStatus,
  openFleet,
  type RunOptions,
  type RunResult,
  runFleet,
  type SchemaResult,
} from '../fleet/index.js';
import { privilegeError } from '../fleet/privileges.js';
import type { Config } from '../load/config.js';
import { readMigrations } from '../migrations/index.js';
import { checkConcurrency } from './flags.js';
import { refuseIrreversible } from './irreversible.js';
import type { FleetProject } from './project.js';
import { checkTarget } from './run-target.js';

type Database = Config['databases'][number];

function databasesOf(project: FleetProject): readonly Database[] {
  if (project.config.databases.length === 0) {
    throw new PgfleetError('input', 'no database to connect to', {
      hint: 'pass --database-url, set DATABASE_URL, or set `database:` (or `databases:`) in pgfleet.yaml',
    });
  }
  return project.config.databases;
}

/** The one database a single-target operation works on; with several, --database-url must pick it. */
function oneDatabase(project: FleetProject, what: string): Database {
  const all = databasesOf(project);
  if (all.length > 1) {
    throw new PgfleetError('input', `${what} needs one database, and pgfleet.yaml lists ${all.length}`, {
      hint: `pass --database-url with one of: ${all.map((d) => safeUrl(d.url)).join(', ')}`,
    });
  }
  return all[0];
}

async function withFleet<T>(
  project: FleetProject,
  db: Database,
  concurrency: number,
  work: (fleet: FleetConnection, config: Config) => Promise<T>,
): Promise<T> {
  const fleet = await openFleet(db.url, concurrency);
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
  const lost = /^(08|57)/.test(e.code ?? '') || /Connection terminated|ECONNRESET|ECONNREFUSED|EPIPE/.test(e.message);
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
async function acrossDatabases(
  project: FleetProject,
  concurrency: number,
  run: (fleet: FleetConnection, config: Config) => Promise<RunResult>,
): Promise<RunResult> {
  const dbs = databasesOf(project);
  if (dbs.length === 1) return withFleet(project, dbs[0], concurrency, run);
  const parts = await Promise.all(
    dbs.map(async (db): Promise<RunResult> => {
      const database = safeUrl(db.url);
      try {
        const r = await withFleet(project, db, concurrency, run);
        return { ...r, results: r.results.map((x) => ({ ...x, database })) };
      } catch (error) {
        if (!(error instanceof PgfleetError) || error.code === 'input') throw error;
        const failed: SchemaResult = {
          database,
          schema: '*',
          scope: 'shared',
          status: 'failed',
          migrations: [],
          error: { migration: null, message: error.message },
          ms: 0,
          attempts: 0,
        };
        return {
          direction: 'up',
          results: [failed],
          plan: [],
          summary: { schemas: 1, applied: 0, upToDate: 0, failed: 1, locked: 0, skipped: 0, invalidNames: [] },
        };
      }
    }),
  );
  const sum = (k: 'schemas' | 'applied' | 'upToDate' | 'failed' | 'locked' | 'skipped') =>
    parts.reduce((n, p) => n + p.summary[k], 0);
  return {
    direction: parts[0].direction,
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

export type MigrateOptions = Omit<RunOptions, 'direction' | 'concurrency' | 'steps'> & {
  readonly concurrency?: number;
};

/**
 * `pgfleet migrate`: apply pending migrations, the shared schema first, then every tenant,
 * on every database of the fleet.
 *
 * @example
 * const { summary } = await migrate(await loadProject(), { concurrency: 8 });
 */
export async function migrate(project: FleetProject, options: MigrateOptions = {}): Promise<RunResult> {
  const concurrency = checkConcurrency(options.concurrency ?? project.config.concurrency);
  const set = await readMigrations(project.config.migrations);
  checkTarget(set, options, 'migrate');
  return acrossDatabases(project, concurrency, (fleet, config) =>
    runFleet(fleet, config, set, { ...options, concurrency, direction: 'up' }),
  );
}

export type RollbackOptions = Omit<RunOptions, 'direction' | 'concurrency' | 'fake'> & {
  readonly concurrency?: number;
};

/** `pgfleet rollback`: run down sections in reverse order, tenants before the shared schema. */
export async function rollback(project: FleetProject, options: RollbackOptions): Promise<RunResult> {
  if ((options.to === undefined) === (options.steps === undefined)) {
    throw new PgfleetError('input', 'rollback needs exactly one of --to V and --steps K', {
      hint: 'e.g. `pgfleet rollback --tenant --steps 1`',
    });
  }
  if (options.steps !== undefined && (!Number.isInteger(options.steps) || options.steps < 1)) {
    throw new PgfleetError('input', `--steps must be a whole number of at least 1, got ${options.steps}`);
  }
  const concurrency = checkConcurrency(options.concurrency ?? project.config.concurrency);
  const set = await readMigrations(project.config.migrations);
  checkTarget(set, options, 'rollback');
  refuseIrreversible(set, project.config.shared.schema, options);
  return acrossDatabases(project, concurrency, (fleet, config) =>
    runFleet(fleet, config, set, { ...options, concurrency, direction: 'down' }),
  );
}

export interface DatabaseStatus {
  readonly database: string;
  readonly status: FleetStatus | null;
  readonly error: string | null;
}

/** `pgfleet status` for the fleet's one database (see `statusAll` for several). */
export async function status(project: FleetProject, schema?: string): Promise<FleetStatus> {
  const set = await readMigrations(project.config.migrations);
  return withFleet(project, oneDatabase(project, 'this status'), 1, (fleet, config) =>
    fleetStatus(fleet, config, set, schema),
  );
}

/** Status of every database of the fleet; one that cannot be reached is reported, not thrown. */
export async function statusAll(project: FleetProject, schema?: string): Promise<DatabaseStatus[]> {
  const set = await readMigrations(project.config.migrations);
  return Promise.all(
    databasesOf(project).map(async (db) => {
      try {
        return {
          database: safeUrl(db.url),
          status: await withFleet(project, db, 1, (fleet, config) => fleetStatus(fleet, config, set, schema)),
          error: null,
        };
      } catch (error) {
        if (!(error instanceof PgfleetError) || error.code === 'input') throw error;
        return { database: safeUrl(db.url), status: null, error: error.message };
      }
    }),
  );
}

/** `pgfleet tenant create`: a new tenant at the latest tenant migration, in one transaction. */
export async function createTenant(project: FleetProject, name: string): Promise<CreatedTenant> {
  const set = await readMigrations(project.config.migrations);
  return withFleet(project, oneDatabase(project, 'tenant create'), 1, (fleet, config) =>
    create(fleet, config, set, name),
  );
}

export async function dropTenant(project: FleetProject, name: string): Promise<{ schema: string }> {
  return withFleet(project, oneDatabase(project, 'tenant drop'), 1, (fleet, config) => drop(fleet, config, name));
}

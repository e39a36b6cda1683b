import { safeUrl } from '../devdb/dev-database.js';
import { PgfleetError } from '../errors.js';
import { acrossDatabases, databasesOf, oneDatabase, withFleet } from '../fleet/databases.js';
import {
  type CreatedTenant,
  createTenant as create,
  dropTenant as drop,
  type FleetStatus,
  fleetStatus,
  type RunOptions,
  type RunResult,
  runFleet,
} from '../fleet/index.js';
import { readMigrations } from '../migrations/index.js';
import { checkConcurrency } from './flags.js';
import type { FleetProject } from './project.js';
import { checkTarget } from './run-target.js';

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

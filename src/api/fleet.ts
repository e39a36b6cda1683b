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
} from '../fleet/index.js';
import { readMigrations } from '../migrations/index.js';
import { databaseUrlOf } from './diff-schema.js';
import type { Project } from './project.js';

async function withFleet<T>(project: Project, concurrency: number, work: (fleet: FleetConnection) => Promise<T>): Promise<T> {
  const fleet = await openFleet(databaseUrlOf(project), concurrency);
  try {
    return await work(fleet);
  } finally {
    await fleet.close();
  }
}

function checkConcurrency(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > 256) {
    throw new PgfleetError('input', `--concurrency must be a whole number from 1 to 256, got ${n}`, {
      hint: 'each unit is one connection to the database; 4 to 16 suits most servers',
    });
  }
  return n;
}

export type MigrateOptions = Omit<RunOptions, 'direction' | 'concurrency' | 'steps'> & { readonly concurrency?: number };

/**
 * `pgfleet migrate`: apply pending migrations, the shared schema first, then every tenant.
 *
 * @example
 * const { summary } = await migrate(await loadProject(), { concurrency: 8 });
 */
export async function migrate(project: Project, options: MigrateOptions = {}): Promise<RunResult> {
  const concurrency = checkConcurrency(options.concurrency ?? project.config.concurrency);
  const set = await readMigrations(project.config.migrations);
  return withFleet(project, concurrency, (fleet) => runFleet(fleet, project.config, set, { ...options, concurrency, direction: 'up' }));
}

export type RollbackOptions = Omit<RunOptions, 'direction' | 'concurrency' | 'fake'> & { readonly concurrency?: number };

/** `pgfleet rollback`: run down sections in reverse order, tenants before the shared schema. */
export async function rollback(project: Project, options: RollbackOptions): Promise<RunResult> {
  if ((options.to === undefined) === (options.steps === undefined)) {
    throw new PgfleetError('input', 'rollback needs exactly one of --to V and --steps K', { hint: 'e.g. `pgfleet rollback --tenant --steps 1`' });
  }
  if (options.steps !== undefined && (!Number.isInteger(options.steps) || options.steps < 1)) {
    throw new PgfleetError('input', `--steps must be a whole number of at least 1, got ${options.steps}`);
  }
  const concurrency = checkConcurrency(options.concurrency ?? project.config.concurrency);
  const set = await readMigrations(project.config.migrations);
  return withFleet(project, concurrency, (fleet) => runFleet(fleet, project.config, set, { ...options, concurrency, direction: 'down' }));
}

/** `pgfleet status`: where each schema stands, grouped for the fleet. */
export async function status(project: Project, schema?: string): Promise<FleetStatus> {
  const set = await readMigrations(project.config.migrations);
  return withFleet(project, 1, (fleet) => fleetStatus(fleet, project.config, set, schema));
}

/** `pgfleet tenant create`: a new tenant at the latest tenant migration, in one transaction. */
export async function createTenant(project: Project, name: string): Promise<CreatedTenant> {
  const set = await readMigrations(project.config.migrations);
  return withFleet(project, 1, (fleet) => create(fleet, project.config, set, name));
}

export async function dropTenant(project: Project, name: string): Promise<{ schema: string }> {
  return withFleet(project, 1, (fleet) => drop(fleet, project.config, name));
}

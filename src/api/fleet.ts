import type { Config } from '../config/config.js';
import { safeUrl } from '../devdb/dev-database.js';
import { PgfleetError } from '../errors.js';
import { withConnectionNotes } from '../fleet/connection-report.js';
import { keepCreateFunction } from '../fleet/create-tenant-function.js';
import { acrossDatabases, databasesOf, type NoticeOptions, oneDatabase, withFleet } from '../fleet/databases.js';
import { type EarlyConnection, withEarlyConnection } from '../fleet/early-connection.js';
import {
  type CreatedTenant,
  createTenant as create,
  dropTenant as drop,
  type FleetConnection,
  type FleetStatus,
  fleetStatus,
  type RunOptions,
  type RunResult,
  runFleet,
} from '../fleet/index.js';
import {
  type PreflightOptions,
  type PreflightResult,
  preflight as runPreflight,
} from '../fleet/preflight/run-preflight.js';
import { type RolloutReport, rolloutFor, runRollout, tenantsUpToWave } from '../fleet/rollout.js';
import { type MigrationSet, readMigrations } from '../migrations/index.js';
import { checkConcurrency } from './flags.js';
import { refuseIrreversible } from './irreversible.js';
import type { FleetProject } from './project.js';
import { checkTarget } from './run-target.js';

export type MigrateOptions = Omit<RunOptions, 'direction' | 'concurrency' | 'steps' | 'tenants'> &
  NoticeOptions & {
    readonly concurrency?: number;
    /** With `rollout:` in pgfleet.yaml: run the waves up to and including this one. */
    readonly wave?: string;
  };

/** A migrate run; with `rollout:` in pgfleet.yaml, also what each wave did. */
export type MigrateResult = RunResult & {
  readonly rollout?: RolloutReport;
  /** With planOnly: the hazards of each migration that would run and has any. */
  readonly hazards?: Readonly<Record<string, readonly string[]>>;
};

/**
 * `pgfleet migrate`: apply pending migrations, the shared schema first, then every tenant,
 * on every database of the fleet; with `rollout:` in pgfleet.yaml, the tenants wave by wave
 * (not for `--shared` or `--schema`, which name what to run).
 *
 * @example
 * const { summary } = await migrate(await loadProject(), { concurrency: 8 });
 */
export async function migrate(project: FleetProject, options: MigrateOptions = {}): Promise<MigrateResult> {
  const concurrency = checkConcurrency(options.concurrency ?? project.config.concurrency);
  return withEarlyConnection(project.config, (early) => migrateWith(project, options, concurrency, early));
}

async function migrateWith(
  project: FleetProject,
  options: MigrateOptions,
  concurrency: number,
  early: EarlyConnection | null,
): Promise<MigrateResult> {
  const set = await readMigrations(project.config.migrations);
  checkTarget(set, options, 'migrate');
  const waves = rolloutFor(project.config.rollout, options);
  const withHazards = (r: MigrateResult): MigrateResult => {
    if (!options.planOnly) return r;
    const ids = new Set(r.plan.flatMap((p) => p.migrations));
    const hazards = [...set.shared, ...set.tenant].filter((m) => ids.has(m.id) && m.hazards.length > 0);
    return { ...r, hazards: Object.fromEntries(hazards.map((m) => [m.id, m.hazards])) };
  };
  // The run lock taken over from a dead run, and for --plan what the connection was taken to be.
  const notes = { planOnly: !!options.planOnly, fake: !!options.fake };
  // Every tenant as one run, or the waves; a wave may ask for more connections than the run's default.
  const poolSize = waves === null ? concurrency : Math.max(concurrency, ...waves.waves.map((w) => w.concurrency ?? 0));
  const run = (fleet: FleetConnection, config: Config): Promise<MigrateResult> =>
    waves === null
      ? runFleet(fleet, config, set, { ...options, concurrency, direction: 'up' })
      : runRollout(fleet, config, set, waves, {
          ...options,
          concurrency,
          preflight: (tenants) =>
            runPreflight(fleet, config, set, { tenants, only: { scope: 'tenant' }, concurrency, to: options.to }),
        });
  const result = await acrossDatabases(
    project,
    poolSize,
    { ...options, direction: 'up' },
    keepCreateFunction(!!options.planOnly, set, async (fleet, config) =>
      withConnectionNotes(fleet, set, notes, await run(fleet, config)),
    ),
    { onNotice: options.onNotice, early },
  );
  return withHazards(result);
}

export type RollbackOptions = Omit<RunOptions, 'direction' | 'concurrency' | 'fake'> &
  NoticeOptions & {
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
  return withEarlyConnection(project.config, async (early) => {
    const set = await readMigrations(project.config.migrations);
    checkTarget(set, options, 'rollback');
    refuseIrreversible(set, project.config.shared.schema, options);
    return acrossDatabases(
      project,
      concurrency,
      { ...options, direction: 'down' },
      async (fleet, config) =>
        withConnectionNotes(
          fleet,
          set,
          { planOnly: !!options.planOnly, fake: false },
          await runFleet(fleet, config, set, { ...options, concurrency, direction: 'down' }),
        ),
      { onNotice: options.onNotice, early },
    );
  });
}

export interface DatabaseStatus {
  readonly database: string;
  readonly status: FleetStatus | null;
  readonly error: string | null;
}

/** `pgfleet status` for the fleet's one database (see `statusAll` for several). */
export async function status(project: FleetProject, schema?: string): Promise<FleetStatus> {
  return onOneDatabase(project, 'this status', (fleet, config, set) => fleetStatus(fleet, config, set, schema));
}

/** `work` on the fleet's one database, with the migrations read while it connects. */
function onOneDatabase<T>(
  project: FleetProject,
  what: string,
  work: (fleet: FleetConnection, config: Config, set: MigrationSet) => Promise<T>,
): Promise<T> {
  return withEarlyConnection(project.config, async (early) => {
    const set = await readMigrations(project.config.migrations);
    return withFleet(project, oneDatabase(project, what), 1, (fleet, config) => work(fleet, config, set), { early });
  });
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

export type PreflightApiOptions = Omit<PreflightOptions, 'concurrency' | 'tenants'> & {
  readonly concurrency?: number;
  /** With `rollout:` in pgfleet.yaml: only the tenants of the waves up to and including this one (and the shared schema). */
  readonly wave?: string;
};

/**
 * `pgfleet migrate --preflight`: which schemas' data would make a pending migration fail,
 * read-only, on every database of the fleet; with `wave`, the schemas `migrate --wave` would run.
 *
 * @example
 * const { failures } = await preflight(await loadFleetProject(), { concurrency: 8 });
 */
export async function preflight(project: FleetProject, options: PreflightApiOptions = {}): Promise<PreflightResult> {
  const concurrency = checkConcurrency(options.concurrency ?? project.config.concurrency);
  const set = await readMigrations(project.config.migrations);
  checkTarget(set, options, 'migrate');
  const waves = rolloutFor(project.config.rollout, options);
  const wave = options.wave;
  const dbs = databasesOf(project);
  const parts = await Promise.all(
    dbs.map(async (db) => {
      const r = await withFleet(project, db, concurrency, async (fleet, config) => {
        // Waves are resolved per database, as migrate resolves them.
        const tenants =
          waves !== null && wave !== undefined ? await tenantsUpToWave(fleet, config, waves, wave) : undefined;
        return runPreflight(fleet, config, set, { ...options, concurrency, tenants });
      });
      if (dbs.length === 1) return r;
      const database = safeUrl(db.url);
      return {
        ...r,
        failures: r.failures.map((f) => ({ ...f, database })),
        errors: r.errors.map((e) => ({ ...e, database })),
      };
    }),
  );
  if (parts.length === 1) return parts[0];
  const unchecked = new Map(parts.flatMap((p) => p.unchecked).map((u) => [`${u.migration} ${u.statement}`, u]));
  return {
    schemas: parts.reduce((n, p) => n + p.schemas, 0),
    checks: Math.max(...parts.map((p) => p.checks)),
    failures: parts.flatMap((p) => p.failures),
    errors: parts.flatMap((p) => p.errors),
    unchecked: [...unchecked.values()],
    ms: Math.max(...parts.map((p) => p.ms)),
  };
}

/** `pgfleet tenant create`: a new tenant at the latest tenant migration, in one transaction. */
export async function createTenant(project: FleetProject, name: string): Promise<CreatedTenant> {
  return onOneDatabase(project, 'tenant create', (fleet, config, set) => create(fleet, config, set, name));
}

export async function dropTenant(project: FleetProject, name: string): Promise<{ schema: string }> {
  return withFleet(project, oneDatabase(project, 'tenant drop'), 1, (fleet, config) => drop(fleet, config, name));
}

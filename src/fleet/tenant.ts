import type { Config } from '../config/config.js';
import { DEFAULT_TENANT_NAME_PATTERN } from '../config/rollout-config.js';
import { PgfleetError } from '../errors.js';
import type { Migration, MigrationSet } from '../migrations/index.js';
import { schemaNameProblem } from '../model/names.js';
import { ident, literal } from '../plan/quote.js';
import { callCode } from './apply-code.js';
import { schemaLockKey } from './apply-schema.js';
import { LOCK_NAMESPACE } from './claim.js';
import { ensureHistory, type FleetConnection, lockRun } from './fleet.js';
import { HISTORY, recordAppliedSql } from './history.js';
import { migrationContext } from './migration-context.js';
import { privilegeError } from './privileges.js';
import { missingSharedRequirement } from './shared-requirement.js';
import { LEDGER_SCHEMA } from './targets.js';
import { templateCopySql } from './template.js';

export interface CreatedTenant {
  readonly schema: string;
  readonly version: string | null;
  readonly migrations: number;
  readonly registered: boolean;
  readonly ms: number;
}

function checkName(name: string, config: Config) {
  const problem = schemaNameProblem(name);
  if (problem)
    throw new PgfleetError('input', `invalid tenant name ${JSON.stringify(name)}: ${problem}`, {
      hint: 'tenant names are schema names: at most 63 bytes, not starting with pg_',
    });
  if (name === config.shared.schema || name === LEDGER_SCHEMA || name === 'information_schema') {
    throw new PgfleetError(
      'input',
      `"${name}" cannot be a tenant: it is ${name === config.shared.schema ? 'the shared schema' : 'reserved'}`,
    );
  }
}

/**
 * A new tenant's name must also match `tenants.namePattern`: names are always quoted, so
 * this is not about safety but about names a team can type, grep and put in a URL.
 * Existing tenants are data and keep working whatever their names.
 */
function checkNewName(name: string, config: Config) {
  checkName(name, config);
  const pattern = config.tenants.namePattern;
  if (!new RegExp(`^(?:${pattern})$`, 'u').test(name)) {
    throw new PgfleetError(
      'input',
      `invalid tenant name ${JSON.stringify(name)}: it does not match tenants.namePattern ${pattern}`,
      {
        hint:
          pattern === DEFAULT_TENANT_NAME_PATTERN
            ? 'use lowercase letters, digits and _, starting with a letter or _ (or set tenants.namePattern in pgfleet.yaml)'
            : 'pick a name that matches tenants.namePattern in pgfleet.yaml',
      },
    );
  }
}

// A new schema is empty: an index built CONCURRENTLY there gains nothing and cannot run in a transaction.
export const withoutConcurrently = (sql: string) =>
  sql
    .replace(/\b(CREATE\s+(?:UNIQUE\s+)?INDEX)\s+CONCURRENTLY\b/gi, '$1')
    .replace(/\b(DROP\s+INDEX)\s+CONCURRENTLY\b/gi, '$1');

/**
 * A new tenant's migrations in order: SQL text (up and history row), or a code migration to
 * call. A code migration runs too (in the same transaction, on empty tables: one that seeds
 * rows must), except one flagged `export const dataOnly = true`: it only moves rows that
 * already exist, so it is recorded as applied without running.
 */
function tenantParts(name: string, migrations: readonly Migration[]): (string | Migration)[] {
  return migrations.flatMap((m): (string | Migration)[] => {
    if (m.code && !m.code.dataOnly) return [m];
    return [...(m.code ? [] : [withoutConcurrently(m.up)]), recordAppliedSql(name, m)];
  });
}

/**
 * `pgfleet tenant create`: a new tenant schema at the latest tenant migration, its history
 * and its registration (the configured `register` SQL with $1 = the name), all in one
 * transaction: a failure leaves nothing behind. The DDL goes in one message, so creating a
 * tenant costs about what running its SQL directly costs.
 */
export async function createTenant(
  fleet: FleetConnection,
  config: Config,
  set: MigrationSet,
  name: string,
): Promise<CreatedTenant> {
  checkNewName(name, config);
  const started = performance.now();
  const c = fleet.coordinator;
  await ensureHistory(c);
  const shared = config.shared.schema;
  const missing = await missingSharedRequirement(c, config, set);
  if (missing?.requires) {
    throw new PgfleetError(
      'input',
      `tenant migration ${missing.id} requires shared ${missing.requires.version}, which is not applied`,
      {
        hint: 'run `pgfleet migrate --shared` first',
      },
    );
  }
  const template = config.tenants.template;
  const seed = template ? await templateCopySql(c, template, name, set.tenant) : [];
  const head = [
    'BEGIN',
    `DO $pgfleet$BEGIN IF NOT pg_try_advisory_xact_lock(${LOCK_NAMESPACE}, ${schemaLockKey(name)}) THEN RAISE EXCEPTION 'tenant is being created or migrated by another pgfleet run' USING ERRCODE = 'PGF01'; END IF; END$pgfleet$`,
    `CREATE SCHEMA ${ident(name)}`,
    `SET LOCAL search_path = ${ident(name)}, ${ident(shared)}`,
  ];
  // SQL goes to the server in as few messages as the code migrations allow: one without them.
  const parts = tenantParts(name, set.tenant);
  try {
    let pending = head;
    for (const part of parts) {
      if (typeof part === 'string') {
        pending.push(part);
        continue;
      }
      if (pending.length > 0) await c.query(`${pending.join(';\n')};`);
      pending = [];
      const started = performance.now();
      await callCode(part, 'up', migrationContext(c, { schema: name, scope: 'tenant' }));
      pending.push(recordAppliedSql(name, part, performance.now() - started));
    }
    await c.query(`${[...pending, ...seed].join(';\n')};`);
    if (config.tenants.register) await c.query(config.tenants.register, [name]);
    await c.query('COMMIT');
  } catch (cause) {
    await c.query('ROLLBACK').catch(() => {});
    const e = cause as Error & { code?: string };
    if (e.code === '42P06') {
      throw new PgfleetError('input', `schema "${name}" already exists`, {
        hint: 'pick another name, or `pgfleet tenant drop` it first',
        cause,
      });
    }
    if (e.code === 'PGF01')
      throw new PgfleetError('lock', `tenant "${name}" is being created by another run`, { cause });
    const denied = privilegeError(cause, fleet.url, `creating tenant "${name}" failed, nothing was kept`);
    if (denied) throw denied;
    throw new PgfleetError('input', `creating tenant "${name}" failed, nothing was kept: ${e.message}`, {
      hint: [
        config.tenants.register ? 'check the tenants.register SQL in pgfleet.yaml' : '',
        template ? `the rows of the template schema "${template}"` : '',
        'the tenant migrations (`pgfleet status`)',
      ]
        .filter(Boolean)
        .join(', '),
      cause,
    });
  }
  return {
    schema: name,
    version: set.tenant.at(-1)?.version ?? null,
    migrations: set.tenant.length,
    registered: config.tenants.register !== null,
    ms: Math.round(performance.now() - started),
  };
}

/**
 * `pgfleet tenant drop NAME --force`: the schema, its history and its registration (the
 * configured `unregister` SQL with $1 = the name), in one transaction.
 */
export async function dropTenant(fleet: FleetConnection, config: Config, name: string): Promise<{ schema: string }> {
  checkName(name, config);
  await lockRun(fleet, 'tenant drop');
  const c = fleet.coordinator;
  const exists = await c.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [name]);
  if (exists.rowCount === 0)
    throw new PgfleetError('input', `schema "${name}" does not exist`, {
      hint: '`pgfleet tenant list` lists the tenants',
    });
  try {
    await c.query(
      `BEGIN; DROP SCHEMA ${ident(name)} CASCADE; DELETE FROM ${HISTORY} WHERE schema_name = ${literal(name)};`,
    );
    if (config.tenants.unregister) await c.query(config.tenants.unregister, [name]);
    await c.query('COMMIT');
  } catch (cause) {
    await c.query('ROLLBACK').catch(() => {});
    throw new PgfleetError('input', `dropping tenant "${name}" failed, nothing changed: ${(cause as Error).message}`, {
      cause,
    });
  }
  return { schema: name };
}

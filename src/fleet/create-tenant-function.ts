import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { Config } from '../config/config.js';
import type { MigrationSet } from '../migrations/index.js';
import { literal, qualified } from '../plan/quote.js';
import { LOCK_NAMESPACE } from './claim.js';
import type { FleetConnection } from './fleet.js';
import { HISTORY } from './history.js';
import { isFailure } from './results.js';
import type { RunResult } from './run.js';
import { missingSharedRequirement } from './shared-requirement.js';
import { LEDGER_SCHEMA } from './targets.js';
import { withoutConcurrently } from './tenant.js';

/** `SELECT pgfleet.create_tenant('acme')`: tenant sign-up from any language, in the caller's transaction. */
export const CREATE_TENANT_FUNCTION = qualified(LEDGER_SCHEMA, 'create_tenant');
const SIGNATURE = `${LEDGER_SCHEMA}.create_tenant(text)`;

/**
 * The function's SQL: the name checked as `tenant create` checks it (tenants.namePattern, 63
 * bytes, not pg_, not a reserved schema), CREATE SCHEMA, every tenant migration's up SQL with the search path
 * set to the new schema then the shared one, and the history rows, as `tenant create` does,
 * but run by the caller in its own transaction, so that the application's tenants row (with
 * whatever columns it has: Django's `Client.save()`) and the schema commit or roll back
 * together. The function registers nothing: the caller inserts its own row.
 *
 * The migrations' text is inside the function, so `migrate` replaces it whenever the tenant
 * line changes (see {@link installCreateTenantFunction}). The search path the function sets is
 * its own (the `SET search_path` clause restores the caller's on return).
 */
export function createTenantFunctionSql(config: Config, set: MigrationSet): string {
  const shared = config.shared.schema;
  const ddl = set.tenant.map((m) => withoutConcurrently(m.up)).join('\n;\n');
  const history = set.tenant.map((m) => `(${literal(m.version)}, ${literal(m.name)}, ${literal(m.checksum)})`);
  const reserved = [shared, LEDGER_SCHEMA, 'public', 'information_schema'].map(literal).join(', ');
  // Copying a template's rows needs its catalog read at creation time, which `tenant create`
  // does in Node; the function says so rather than making a tenant without them.
  const template = config.tenants.template
    ? `  RAISE EXCEPTION 'tenants.template is set (%): create tenants with pgfleet tenant create, which copies its rows', ${literal(config.tenants.template)}
    USING ERRCODE = '0A000';
`
    : '';
  // A code migration is JavaScript, which the function cannot run: rather than a tenant
  // without it (django-tenants' silently skipped RunPython), the function refuses. One that
  // only moves existing rows (dataOnly) is recorded without running, as tenant create does.
  const code = set.tenant.find((m) => m.code && !m.code.dataOnly);
  const refuseCode = code
    ? `  RAISE EXCEPTION 'the tenant migrations include a code migration (%), which only pgfleet can run: create tenants with pgfleet tenant create or createTenant', ${literal(code.path)}
    USING ERRCODE = '0A000';
`
    : '';
  const body = `
BEGIN
${template}${refuseCode}  IF tenant_name IS NULL OR tenant_name !~ ${literal(config.tenants.namePattern)} OR octet_length(tenant_name) > 63
     OR tenant_name LIKE 'pg\\_%' OR tenant_name IN (${reserved}) THEN
    RAISE EXCEPTION 'invalid tenant name %', coalesce(quote_literal(tenant_name), 'NULL')
      USING ERRCODE = '22023',
            HINT = ${literal(`a new tenant's name matches tenants.namePattern ${config.tenants.namePattern}, is at most 63 bytes, not pg_ nor a reserved schema`)};
  END IF;
  -- The key pgfleet's runs take for this schema (sha256 of the name, first 4 bytes, signed).
  IF NOT pg_try_advisory_xact_lock(${LOCK_NAMESPACE},
      ('x' || substr(encode(sha256(convert_to(tenant_name, 'UTF8')), 'hex'), 1, 8))::bit(32)::integer) THEN
    RAISE EXCEPTION 'tenant % is being created or migrated by another pgfleet run', tenant_name
      USING ERRCODE = '55P03';
  END IF;
  EXECUTE format('CREATE SCHEMA %I', tenant_name);
  PERFORM set_config('search_path', format('%I, %I', tenant_name, ${literal(shared)}), true);
${ddl.trim() === '' ? '' : `  EXECUTE ${literal(ddl)};\n`}${
  history.length === 0
    ? ''
    : `  INSERT INTO ${HISTORY} (schema_name, scope, version, name, checksum, status, duration_ms)
  SELECT tenant_name, 'tenant', m.version, m.name, m.checksum, 'applied', 0
  FROM (VALUES ${history.join(',\n    ')}) AS m(version, name, checksum);\n`
}  RETURN tenant_name;
END`;
  return `CREATE OR REPLACE FUNCTION ${CREATE_TENANT_FUNCTION}(tenant_name text) RETURNS text
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
AS ${literal(body)}`;
}

/**
 * Install or replace the function when the tenant migrations it holds changed; costs one
 * catalog read when it is current. Called by `migrate` once the shared schema has run (its
 * tenant migrations may require shared ones).
 */
export async function installCreateTenantFunction(
  client: pg.ClientBase,
  config: Config,
  set: MigrationSet,
): Promise<'installed' | 'current' | 'waiting'> {
  // A tenant migration that needs a shared one not applied yet would fail inside the caller's
  // transaction: the function waits (the previous one, if any, stays) until the shared schema has it.
  if (await missingSharedRequirement(client, config, set)) return 'waiting';
  const sql = createTenantFunctionSql(config, set);
  const digest = `pgfleet ${createHash('sha256').update(sql).digest('hex')}`;
  const { rows } = await client.query<{ comment: string | null }>(
    'SELECT obj_description(to_regprocedure($1), $2) AS comment',
    [SIGNATURE, 'pg_proc'],
  );
  if (rows[0]?.comment === digest) return 'current';
  await client.query(
    `BEGIN; ${sql}; COMMENT ON FUNCTION ${CREATE_TENANT_FUNCTION}(text) IS ${literal(digest)}; COMMIT`,
  );
  return 'installed';
}

/**
 * After a run, `pgfleet.create_tenant(name)` is replaced when the tenant migrations changed
 * (`tenants.createFunction`), once the shared schema ran (or had nothing to run): its tenant
 * migrations may require shared ones.
 */
export function keepCreateFunction<R extends RunResult>(
  planOnly: boolean,
  set: MigrationSet,
  run: (fleet: FleetConnection, config: Config) => Promise<R>,
): (fleet: FleetConnection, config: Config) => Promise<R> {
  return async (fleet, config) => {
    const result = await run(fleet, config);
    const sharedFailed = result.results.some((r) => r.schema === config.shared.schema && isFailure(r));
    if (config.tenants.createFunction && !planOnly && !sharedFailed) {
      await installCreateTenantFunction(fleet.coordinator, config, set);
    }
    return result;
  };
}

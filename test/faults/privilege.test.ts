import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drift } from '../../src/api/drift.js';
import { createTenant, migrate, rollback, status } from '../../src/api/fleet.js';
import { PgfleetError } from '../../src/errors.js';
import { ident } from '../../src/plan/quote.js';
import { runCli } from '../cli/run-cli.js';
import { fleetProject } from '../fleet/fleet-project.js';
import { type TestDatabase, testDatabase } from '../support/db.js';
import { tenantNames } from './fault-fleet.js';
import { countByVersion, expectFleetAtRecordedVersions } from './invariant.js';

const N = 50;
const role = `pgfleet_owner_${process.pid}`;

/**
 * pgfleet run as a role that owns the shared and tenant schemas and is not a superuser. What
 * it needs beyond that: CREATE on the database, for its first run (its own `pgfleet` schema)
 * and for `tenant create`.
 */
describe('least privilege: a role that owns the schemas, not a superuser', { timeout: 240_000 }, () => {
  let db: TestDatabase;
  let fleet: Awaited<ReturnType<typeof fleetProject>>;
  let database: string;
  const cli = (...args: string[]) => runCli([...args, '--config', join(fleet.dir, 'pgfleet.yaml')], { cwd: fleet.dir });

  beforeAll(async () => {
    db = await testDatabase();
    database = new URL(db.url).pathname.slice(1);
    const url = new URL(db.url);
    url.username = role;
    url.password = 'owner-pw';
    await db.client.query(
      `CREATE ROLE ${ident(role)} LOGIN PASSWORD 'owner-pw' NOSUPERUSER NOCREATEDB NOCREATEROLE;
       ALTER SCHEMA public OWNER TO ${ident(role)};
       ${tenantNames(N)
         .map((t) => `CREATE SCHEMA ${ident(t)} AUTHORIZATION ${ident(role)}`)
         .join(';\n')}`,
    );
    fleet = await fleetProject(url.toString());
    await fleet.version(0);
  });

  afterAll(async () => {
    // The role owns objects of this database and holds a grant on it: both go before the role.
    await db.client.query(`DROP OWNED BY ${ident(role)}; DROP ROLE ${ident(role)}`);
  });

  it('without CREATE on the database, the first migrate stops before anything, naming the privilege and the GRANT', async () => {
    const r = await cli('migrate');
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/permission denied for database/);
    expect(r.stderr).toContain(`GRANT CREATE ON DATABASE ${ident(database)} TO ${ident(role)}`);
    expect((await db.client.query(`SELECT 1 FROM pg_namespace WHERE nspname = 'pgfleet'`)).rowCount).toBe(0);
  });

  it('with it, migrates, rolls back, reports status and drift and creates tenants', async () => {
    await db.client.query(`GRANT CREATE ON DATABASE ${ident(database)} TO ${ident(role)}`);
    const super_ = await db.client.query('SELECT rolsuper FROM pg_roles WHERE rolname = $1', [role]);
    expect(super_.rows[0].rolsuper).toBe(false);
    expect((await migrate(await fleet.project())).summary).toMatchObject({ applied: N + 1, failed: 0 });
    await fleet.version(1);
    expect((await migrate(await fleet.project())).summary).toMatchObject({ applied: N, failed: 0 });
    const back = await rollback(await fleet.project(), { only: { scope: 'tenant' }, steps: 1 });
    expect(back.summary).toMatchObject({ applied: N, failed: 0 });
    expect((await status(await fleet.project())).groups).toEqual([
      expect.objectContaining({ version: '0001', pending: 1, count: N }),
    ]);
    expect((await drift(await fleet.project())).clean).toBe(true);
    await createTenant(await fleet.project(), 'tenant_new');
    const versions = await expectFleetAtRecordedVersions(await fleet.project());
    expect(versions.get('tenant_new')).toBe('0002');
  });

  it('after its first run it needs CREATE on the database only to create tenants, and says so', async () => {
    await db.client.query(`REVOKE CREATE ON DATABASE ${ident(database)} FROM ${ident(role)}`);
    expect((await migrate(await fleet.project())).summary).toMatchObject({ applied: N, failed: 0 });
    const error = await createTenant(await fleet.project(), 'tenant_denied').catch((e) => e);
    expect(error).toBeInstanceOf(PgfleetError);
    expect(error.code).toBe('connection');
    expect(error.message).toMatch(
      /creating tenant "tenant_denied" failed, nothing was kept: permission denied for database/,
    );
    expect(error.hint).toContain(`GRANT CREATE ON DATABASE ${ident(database)} TO ${ident(role)}`);
    const r = await cli('tenant', 'create', 'tenant_denied');
    expect(r.code).toBe(3);
    expect((await db.client.query(`SELECT 1 FROM pg_namespace WHERE nspname = 'tenant_denied'`)).rowCount).toBe(0);
  });

  it('a tenant schema it does not own fails alone, naming the privilege; the others are migrated', async () => {
    await db.client.query('CREATE SCHEMA tenant_foreign');
    await fleet.version(2);
    const r = await migrate(await fleet.project());
    expect(r.summary).toMatchObject({ applied: N + 1, failed: 1 });
    const failed = r.results.find((x) => x.status === 'failed');
    expect(failed?.schema).toBe('tenant_foreign');
    expect(failed?.error?.message).toMatch(/permission denied for schema tenant_foreign/);
    expect(failed?.error?.message).toContain(`ALTER SCHEMA tenant_foreign OWNER TO ${ident(role)}`);
    // Postgres leaves a schema the role may not use out of the search path: without pgfleet's
    // check, the tenant's tables would have gone to the shared schema behind it.
    expect((await db.client.query(`SELECT to_regclass('public.services_service') AS t`)).rows[0].t).toBeNull();
    expect(countByVersion(await expectFleetAtRecordedVersions(await fleet.project()))).toMatchObject({
      '0003': N + 1,
      none: 1,
    });

    await db.client.query(`ALTER SCHEMA tenant_foreign OWNER TO ${ident(role)}`);
    expect((await migrate(await fleet.project())).summary).toMatchObject({ applied: 1, failed: 0 });
  });
});

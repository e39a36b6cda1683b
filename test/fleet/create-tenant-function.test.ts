import { beforeAll, describe, expect, it } from 'vitest';
import { createTenant, migrate } from '../../src/api/fleet.js';
import { inspectSchemas } from '../../src/inspect/index.js';
import { testDatabase } from '../support/db.js';
import { fleetProject } from './fleet-project.js';

/** `SELECT pgfleet.create_tenant(name)`: sign-up from any language, in the caller's transaction. */
describe('pgfleet.create_tenant()', { timeout: 180_000 }, () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let fleet: Awaited<ReturnType<typeof fleetProject>>;
  const history = async (schema: string) =>
    (
      await db.client.query(
        'SELECT version, name, checksum, status FROM pgfleet.history WHERE schema_name = $1 ORDER BY version',
        [schema],
      )
    ).rows;
  const schemaExists = async (schema: string) =>
    (await db.client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).rowCount === 1;

  beforeAll(async () => {
    db = await testDatabase();
    fleet = await fleetProject(db.url);
    await fleet.version(0);
    await fleet.version(1);
    await migrate(await fleet.project());
  });

  it("creates the tenant that `tenant create` creates, committed with the caller's own row", async () => {
    await createTenant(await fleet.project(), 'tenant_cli');
    await db.client.query('CREATE TABLE public.signups (schema_name text PRIMARY KEY, plan text NOT NULL)');
    await db.client.query(
      "BEGIN; INSERT INTO public.signups VALUES ('tenant_sql', 'pro'); SELECT pgfleet.create_tenant('tenant_sql'); COMMIT",
    );
    const [cli, sql] = await Promise.all(
      ['tenant_cli', 'tenant_sql'].map(async (schema) => {
        const inspected = await inspectSchemas(db.client, [schema], { sharedSchema: 'public' });
        return JSON.stringify(inspected.get(schema));
      }),
    );
    expect(sql).toBe(cli);
    expect((await history('tenant_sql')).length).toBe(2);
    expect(await history('tenant_sql')).toEqual(await history('tenant_cli'));
    // The caller's search path is its own again.
    const { rows } = await db.client.query('SHOW search_path');
    expect(rows[0].search_path).toBe('"$user", public');
  });

  it("rolls back with the caller's transaction: no schema, no history", async () => {
    await db.client.query("BEGIN; SELECT pgfleet.create_tenant('tenant_gone'); ROLLBACK");
    expect(await schemaExists('tenant_gone')).toBe(false);
    expect(await history('tenant_gone')).toEqual([]);
  });

  it('refuses hostile and reserved names, creating and dropping nothing', async () => {
    for (const name of ['x"; DROP SCHEMA public CASCADE; --', 'Acme', 'pg_acme', 'public', 'pgfleet', '']) {
      const error = await db.client.query('SELECT pgfleet.create_tenant($1)', [name]).catch((e) => e);
      expect(error.code, name).toBe('22023');
      expect(error.message).toContain('invalid tenant name');
    }
    expect(await schemaExists('public')).toBe(true);
    const { rows } = await db.client.query("SELECT count(*)::int AS n FROM pg_namespace WHERE nspname LIKE 'x%'");
    expect(rows[0].n).toBe(0);
  });

  it('an existing schema is an error the caller sees (42P06)', async () => {
    const error = await db.client.query("SELECT pgfleet.create_tenant('tenant_cli')").catch((e) => e);
    expect(error.code).toBe('42P06');
  });

  it('migrate replaces it when the tenant migrations change', async () => {
    await fleet.version(2);
    await migrate(await fleet.project());
    await db.client.query("SELECT pgfleet.create_tenant('tenant_later')");
    const { rows } = await db.client.query(
      "SELECT column_name FROM information_schema.columns WHERE table_schema = 'tenant_later' AND table_name = 'services_service' ORDER BY ordinal_position",
    );
    expect(rows.map((r) => r.column_name)).toEqual(['id', 'name', 'owner_id', 'capacity', 'code']);
    // tenant_cli was migrated to 0003 by the same run.
    expect((await history('tenant_later')).map((r) => r.version)).toEqual(['0001', '0002', '0003']);
    expect(await history('tenant_later')).toEqual(await history('tenant_cli'));
  });

  it('tenants.createFunction: false leaves no function', async () => {
    const other = await testDatabase();
    const off = await fleetProject(other.url, "tenants:\n  match: 'tenant%'\n  createFunction: false\n");
    await off.version(0);
    await migrate(await off.project());
    const { rows } = await other.client.query("SELECT to_regprocedure('pgfleet.create_tenant(text)') AS f");
    expect(rows[0].f).toBeNull();
  });
});

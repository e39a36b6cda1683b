import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTenant, migrate } from '../../src/api/fleet.js';
import { PgfleetError } from '../../src/errors.js';
import { runCli } from '../cli/run-cli.js';
import { fleetProject } from '../fleet/fleet-project.js';
import { type TestDatabase, testDatabase } from '../support/db.js';

const HOSTILE = 'x"; DROP SCHEMA public CASCADE; --';

/** Every schema and every table of the database, to show that nothing was created or dropped. */
const catalog = async (db: TestDatabase) =>
  (
    await db.client.query<{ n: string }>(
      `SELECT n.nspname || '.' || coalesce(c.relname, '') AS n
         FROM pg_namespace n LEFT JOIN pg_class c ON c.relnamespace = n.oid
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') ORDER BY 1`,
    )
  ).rows.map((r) => r.n);

describe('tenants.namePattern', { timeout: 120_000 }, () => {
  let db: TestDatabase;
  let fleet: Awaited<ReturnType<typeof fleetProject>>;
  beforeAll(async () => {
    db = await testDatabase();
    fleet = await fleetProject(db.url);
    await fleet.version(0);
    await migrate(await fleet.project());
    // An existing tenant whose name is outside the pattern: data, quoted, still migrated.
    await db.client.query(`CREATE SCHEMA "tenant Old-Style"`);
  });

  it(`refuses ${JSON.stringify(HOSTILE)} in tenant create with exit 2 and the pattern, creating and dropping nothing`, async () => {
    const before = await catalog(db);
    expect(before).toContain('public.users_user');
    const r = await runCli(['tenant', 'create', HOSTILE, '--config', join(fleet.dir, 'pgfleet.yaml')], {
      cwd: fleet.dir,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('does not match tenants.namePattern ^[a-z_][a-z0-9_]*$');
    expect(await catalog(db)).toEqual(before);
    const history = await db.client.query(`SELECT count(*)::int AS n FROM pgfleet.history WHERE schema_name = $1`, [
      HOSTILE,
    ]);
    expect(history.rows[0].n).toBe(0);
  });

  it('refuses the same through the API, and names outside the default (upper case, dash, digit first)', async () => {
    for (const name of [HOSTILE, 'Tenant_a', 'tenant-a', '1tenant', 'tenant a']) {
      const error = await createTenant(await fleet.project(), name).catch((e: unknown) => e);
      expect(error, name).toBeInstanceOf(PgfleetError);
      expect((error as PgfleetError).code).toBe('input');
      expect((error as PgfleetError).message).toMatch(/tenants.namePattern/);
    }
    expect(await createTenant(await fleet.project(), 'tenant_ok_1')).toMatchObject({ schema: 'tenant_ok_1' });
    expect(await createTenant(await fleet.project(), '_internal')).toMatchObject({ schema: '_internal' });
  });

  it('keeps existing tenants with other names working', async () => {
    const r = await migrate(await fleet.project());
    expect(r.results.find((x) => x.schema === 'tenant Old-Style')).toMatchObject({ status: 'applied' });
  });
});

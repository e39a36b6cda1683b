import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { migrate, rollback } from '../../src/api/fleet.js';
import { runCli } from '../cli/run-cli.js';
import { type TestDatabase, testDatabase } from '../support/db.js';
import { fleetProject } from './fleet-project.js';

/** `--to` and `--schema` are checked before anything runs: a typo must not migrate or roll back more than asked. */
describe('migrate and rollback targets', { timeout: 120_000 }, () => {
  let db: TestDatabase;
  let fleet: Awaited<ReturnType<typeof fleetProject>>;
  const applied = async () =>
    (await db.client.query<{ n: number }>(`SELECT count(*)::int AS n FROM pgfleet.history WHERE status = 'applied'`))
      .rows[0].n;
  const cli = (args: string[]) => runCli([...args, '--config', join(fleet.dir, 'pgfleet.yaml')], { cwd: fleet.dir });

  beforeAll(async () => {
    db = await testDatabase();
    fleet = await fleetProject(db.url);
    for (const t of ['tenant_a', 'tenant_b']) await db.client.query(`CREATE SCHEMA ${t}`);
    await fleet.version(0);
    await fleet.version(1);
    await migrate(await fleet.project(), { to: '0001' });
  });

  it('refuses a --to that is not a version, or that no migration has, and changes nothing (exit 2)', async () => {
    const before = await applied();
    const notVersion = await cli(['migrate', '--to', 'abc']);
    expect(notVersion.code).toBe(2);
    expect(notVersion.stderr).toContain('--to "abc" is not a migration version');
    expect(notVersion.stderr).toContain('latest: shared 0001, tenant 0002');
    const unknown = await cli(['rollback', '--tenant', '--to', '0009']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--to 0009: no tenant migration has that version (latest: tenant 0002)');
    const badSchema = await cli(['migrate', '--schema', 'pg_catalog']);
    expect(badSchema.code).toBe(2);
    expect(badSchema.stderr).toContain('is not a schema name: starts with pg_');
    expect(await applied()).toBe(before);
  });

  it('migrates to a version and rolls back to 0, before the first migration', async () => {
    const up = await migrate(await fleet.project(), { to: '0002' });
    expect(up.summary).toMatchObject({ applied: 2, failed: 0 });
    const down = await rollback(await fleet.project(), { only: { scope: 'tenant' }, to: '0' });
    expect(down.summary).toMatchObject({ applied: 2, failed: 0 });
    expect(
      (
        await db.client.query(
          `SELECT count(*)::int AS n FROM pgfleet.history WHERE scope = 'tenant' AND status = 'applied'`,
        )
      ).rows[0].n,
    ).toBe(0);
  });

  it('--steps counts back from the latest migration, so a rerun takes no schema further back', async () => {
    await migrate(await fleet.project());
    const tenantVersions = async () =>
      (
        await db.client.query<{ schema_name: string; v: string }>(
          `SELECT schema_name, max(version) AS v FROM pgfleet.history
            WHERE scope = 'tenant' AND status = 'applied' GROUP BY 1 ORDER BY 1`,
        )
      ).rows.map((r) => `${r.schema_name} ${r.v}`);
    expect(await tenantVersions()).toEqual(['tenant_a 0002', 'tenant_b 0002']);
    // One tenant is already back (a rollback interrupted after it, say): the fleet-wide rerun leaves it there.
    await rollback(await fleet.project(), { only: { schema: 'tenant_a' }, steps: 1 });
    const rerun = await rollback(await fleet.project(), { only: { scope: 'tenant' }, steps: 1 });
    expect(rerun.summary).toMatchObject({ applied: 1, failed: 0 });
    expect(await tenantVersions()).toEqual(['tenant_a 0001', 'tenant_b 0001']);
    const again = await rollback(await fleet.project(), { only: { scope: 'tenant' }, steps: 1 });
    expect(again.summary).toMatchObject({ applied: 0, failed: 0 });
  });
});

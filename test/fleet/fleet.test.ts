import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTenant, migrate, rollback, status } from '../../src/api/fleet.js';
import { loadProject } from '../../src/api/project.js';
import { PgfleetError } from '../../src/errors.js';
import { ident } from '../../src/plan/quote.js';
import { runCli } from '../cli/run-cli.js';
import { expectFleetAtRecordedVersions } from '../faults/invariant.js';
import { type TestDatabase, testDatabase } from '../support/db.js';
import { fleetProject } from './fleet-project.js';

const N = 50;
const tenants = [
  ...Array.from({ length: N - 1 }, (_, i) => `tenant_${String(i + 1).padStart(2, '0')}`),
  'tenant Mixed "Q"',
];

const columnsOf = async (db: TestDatabase, schema: string) =>
  (
    await db.client.query<{ attname: string }>(
      `SELECT attname FROM pg_attribute WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
      [`${ident(schema)}.services_service`],
    )
  ).rows.map((r) => r.attname);

const versions = async (db: TestDatabase) =>
  new Map(
    (
      await db.client.query<{ schema_name: string; v: string }>(
        `SELECT schema_name, max(version) AS v FROM pgfleet.history WHERE status = 'applied' GROUP BY 1`,
      )
    ).rows.map((r) => [r.schema_name, r.v]),
  );

describe('migrate across the shared schema and 50 tenants', { timeout: 180_000 }, () => {
  let db: TestDatabase;
  let fleet: Awaited<ReturnType<typeof fleetProject>>;
  beforeAll(async () => {
    db = await testDatabase();
    fleet = await fleetProject(db.url);
    for (const t of tenants) await db.client.query(`CREATE SCHEMA ${ident(t)}`);
  });

  it('goes through three model versions, back one step and forward again', async () => {
    await fleet.version(0);
    const first = await migrate(await fleet.project());
    expect(first.summary).toMatchObject({ schemas: N + 1, applied: N + 1, failed: 0 });
    expect(await columnsOf(db, 'tenant Mixed "Q"')).toEqual(['id', 'name', 'owner_id']);

    await fleet.version(1);
    await fleet.version(2);
    const second = await migrate(await fleet.project(), { concurrency: 4 });
    expect(second.summary).toMatchObject({ applied: N, upToDate: 1, failed: 0 });
    expect(second.results.find((r) => r.schema === 'tenant_07')?.migrations).toEqual([
      '0002_add_services_service_capacity',
      '0003_add_services_service_code',
    ]);
    expect(new Set((await versions(db)).values())).toEqual(new Set(['0001', '0003']));

    const nothing = await migrate(await fleet.project());
    expect(nothing.summary).toMatchObject({ applied: 0, upToDate: N + 1 });

    const back = await rollback(await fleet.project(), { only: { scope: 'tenant' }, steps: 1 });
    expect(back.summary).toMatchObject({ schemas: N, applied: N, failed: 0 });
    expect(await columnsOf(db, 'tenant_03')).toEqual(['id', 'name', 'owner_id', 'capacity']);
    const s = await status(await fleet.project());
    expect(s.groups).toEqual([expect.objectContaining({ version: '0002', pending: 1, count: N })]);

    const forward = await migrate(await fleet.project(), { concurrency: 8 });
    expect(forward.summary).toMatchObject({ applied: N, failed: 0 });
    expect(await columnsOf(db, 'tenant_03')).toEqual(['id', 'name', 'owner_id', 'capacity', 'code']);
  });

  it("keeps going when one tenant's data breaks a migration, reports it, and finishes on rerun", async () => {
    await db.client.query(`INSERT INTO tenant_07.services_service (name) VALUES ('dup'), ('dup')`);
    await fleet.version(3);
    const r = await migrate(await fleet.project());
    expect(r.summary).toMatchObject({ applied: N - 1, failed: 1 });
    const failed = r.results.find((x) => x.status === 'failed');
    expect(failed).toMatchObject({ schema: 'tenant_07', error: { migration: '0004_add_services_service_name_key' } });
    expect(failed?.error?.message).toMatch(/could not create unique index/);

    const s = await status(await fleet.project());
    expect(s.groups.find((g) => g.failed)).toMatchObject({
      count: 1,
      failed: '0004_add_services_service_name_key',
      schemas: ['tenant_07'],
    });

    const cli = await runCli(['migrate', '--config', join(fleet.dir, 'pgfleet.yaml')], { cwd: fleet.dir });
    expect(cli.code).toBe(1);
    expect(cli.stdout).toMatch(/✗ tenant_07 at 0004_add_services_service_name_key: could not create unique index/);

    await expectFleetAtRecordedVersions(await fleet.project());
    await db.client.query(`DELETE FROM tenant_07.services_service WHERE name = 'dup'`);
    const again = await migrate(await fleet.project());
    expect(again.summary).toMatchObject({ applied: 1, upToDate: N, failed: 0 });
    expect((await status(await fleet.project())).groups).toEqual([
      expect.objectContaining({ version: '0004', pending: 0, count: N, failed: null }),
    ]);
  });

  it('fails a tenant whose table is locked within the timeout and finishes the others', async () => {
    await fleet.version(4);
    const blocker = new pg.Client(db.url);
    await blocker.connect();
    await blocker.query('BEGIN; LOCK TABLE tenant_09.services_service IN ACCESS EXCLUSIVE MODE');
    const t0 = Date.now();
    const r = await migrate(await fleet.project(), { lockTimeoutMs: 200, retries: 1 });
    expect(Date.now() - t0).toBeLessThan(60_000); // bounded: without lock_timeout it waits for the blocker forever
    await blocker.query('ROLLBACK');
    await blocker.end();
    expect(r.summary).toMatchObject({ applied: N - 1, failed: 1 });
    expect(r.results.find((x) => x.status === 'failed')).toMatchObject({ schema: 'tenant_09', attempts: 2 });
    expect(r.results.find((x) => x.schema === 'tenant_09')?.error?.message).toMatch(/lock timeout/);
    await expectFleetAtRecordedVersions(await fleet.project());
    expect((await migrate(await fleet.project())).summary).toMatchObject({ applied: 1, failed: 0 });
  });

  it('lets only one of two concurrent runs work, and applies nothing twice', async () => {
    await rollback(await fleet.project(), { only: { scope: 'tenant' }, steps: 1 });
    const project = await fleet.project();
    // A held table keeps the first run working (it waits within its lock_timeout) while the
    // second starts: a fast first run would otherwise be over before the second asks.
    const blocker = new pg.Client(db.url);
    await blocker.connect();
    await blocker.query('BEGIN; LOCK TABLE tenant_09.services_service IN ACCESS EXCLUSIVE MODE');
    const first = migrate(project, { lockTimeoutMs: 10_000 });
    // The run lock is a lease row (src/fleet/run-lease.ts).
    const runLockHeld = async () =>
      (await db.client.query('SELECT 1 FROM pgfleet.run_lock WHERE expires_at > clock_timestamp()')).rowCount === 1;
    for (let i = 0; i < 500 && !(await runLockHeld()); i++) await new Promise((r) => setTimeout(r, 20));
    const second = await migrate(project).catch((error: unknown) => error);
    await blocker.query('ROLLBACK');
    await blocker.end();
    expect((await first).summary).toMatchObject({ failed: 0, applied: N });
    expect(second).toBeInstanceOf(PgfleetError);
    expect((second as PgfleetError).code).toBe('lock');
    const rows = await db.client.query(
      `SELECT schema_name, count(*) FROM pgfleet.history WHERE version = '0005' GROUP BY 1 HAVING count(*) > 1`,
    );
    expect(rows.rowCount).toBe(0);
    expect(new Set((await versions(db)).values())).toEqual(new Set(['0001', '0005']));
    await expectFleetAtRecordedVersions(await fleet.project());
  });

  it('leaves no tenant half-migrated when the process is killed, and a rerun completes', async () => {
    await rollback(await fleet.project(), { only: { scope: 'tenant' }, steps: 1 });
    const child = spawn(
      process.execPath,
      [
        join(import.meta.dirname, '..', '..', 'bin', 'run.js'),
        'migrate',
        '--concurrency',
        '1',
        '--config',
        join(fleet.dir, 'pgfleet.yaml'),
      ],
      {
        cwd: fleet.dir,
        stdio: 'ignore',
      },
    );
    // Kill once some tenants are done but not all.
    // (A deadline, not a count of polls: on a loaded machine the CLI alone can take seconds to start.)
    for (const deadline = Date.now() + 90_000; Date.now() < deadline; ) {
      const done = (await db.client.query(`SELECT count(*)::int AS n FROM pgfleet.history WHERE version = '0005'`))
        .rows[0].n;
      if (done >= 5) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    // A COMMIT the killed process had sent still lands: read only once its backends are gone.
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
      const { rows } = await db.client.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'pgfleet' AND datname = current_database()`,
      );
      if (rows[0].n === 0) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    const v = await versions(db);
    const at5 = tenants.filter((t) => v.get(t) === '0005');
    expect(at5.length).toBeGreaterThan(0);
    for (const t of tenants) {
      // The schema is exactly where its history says: 0005 added the column `note`.
      expect((await columnsOf(db, t)).includes('note'), t).toBe(v.get(t) === '0005');
    }
    await expectFleetAtRecordedVersions(await fleet.project());
    const rerun = await migrate(await fleet.project());
    expect(rerun.summary.failed).toBe(0);
    expect(new Set((await versions(db)).values())).toEqual(new Set(['0001', '0005']));
    await expectFleetAtRecordedVersions(await fleet.project());
  });

  it('creates a tenant at the latest migration in one step and refuses hostile names', async () => {
    // A name outside the default tenants.namePattern needs a pattern that allows it.
    const config = await readFile(join(fleet.dir, 'pgfleet.yaml'), 'utf8');
    await writeFile(join(fleet.dir, 'any-name.yaml'), config.replace('tenants:\n', 'tenants:\n  namePattern: ".+"\n'));
    const anyName = await loadProject({ configPath: join(fleet.dir, 'any-name.yaml') });
    await expect(createTenant(await fleet.project(), 'tenant new "one"')).rejects.toThrow(/tenants.namePattern/);
    const created = await createTenant(anyName, 'tenant new "one"');
    expect(created).toMatchObject({ schema: 'tenant new "one"', version: '0005', migrations: 5 });
    expect(await columnsOf(db, 'tenant new "one"')).toEqual(['id', 'name', 'owner_id', 'capacity', 'code', 'note']);
    expect((await status(await fleet.project(), 'tenant new "one"')).tenants[0]).toMatchObject({
      version: '0005',
      pending: [],
    });

    for (const name of ['pg_evil', 'x'.repeat(64), 'public', 'pgfleet', '']) {
      const r = await runCli(['tenant', 'create', name, '--config', join(fleet.dir, 'pgfleet.yaml')], {
        cwd: fleet.dir,
      });
      expect(r.code, name).toBe(2);
    }
    const exists = await runCli(['tenant', 'create', 'tenant_01', '--config', join(fleet.dir, 'pgfleet.yaml')], {
      cwd: fleet.dir,
    });
    expect(exists.code).toBe(2);
    expect(exists.stderr).toMatch(/already exists/);
    const schemas = await db.client.query(
      `SELECT count(*)::int AS n FROM pg_namespace WHERE nspname LIKE 'pg\\_evil' OR nspname LIKE 'xxxx%'`,
    );
    expect(schemas.rows[0].n).toBe(0);
  });

  it('exits 3 when the database cannot be reached', async () => {
    const r = await runCli(
      ['migrate', '--config', join(fleet.dir, 'pgfleet.yaml'), '--database-url', 'postgres://u:p@127.0.0.1:1/x'],
      { cwd: fleet.dir },
    );
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/could not connect/);
  });
});

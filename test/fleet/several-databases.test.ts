import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, rollback, statusAll } from '../../src/api/fleet.js';
import { type EmbeddedServer, startEmbedded } from '../../src/devdb/embedded.js';
import { runCli } from '../cli/run-cli.js';
import { serverUrl, type TestDatabase, testDatabase } from '../support/db.js';
import { fleetProject } from './fleet-project.js';

describe('a fleet spread over two Postgres servers', { timeout: 180_000 }, () => {
  let one: TestDatabase;
  let second: EmbeddedServer;
  let fleet: Awaited<ReturnType<typeof fleetProject>>;
  beforeAll(async () => {
    one = await testDatabase();
    second = await startEmbedded();
    fleet = await fleetProject(one.url);
    await writeFile(
      join(fleet.dir, 'pgfleet.yaml'),
      `devDatabase: ${serverUrl()}\ndatabases:\n  - url: ${one.url}\n  - url: ${second.url}\n    tenants: { list: [tenant_x, tenant_y] }\ntenants:\n  match: 'tenant%'\n`,
    );
    for (const t of ['tenant_a', 'tenant_b']) await one.client.query(`CREATE SCHEMA ${t}`);
    const c = new pg.Client(second.url);
    await c.connect();
    await c.query('CREATE SCHEMA tenant_x; CREATE SCHEMA tenant_y');
    await c.end();
    await fleet.version(0);
    await fleet.version(1);
  });
  afterAll(async () => second?.stop());

  it('migrates, reports and rolls back every database, each with its own tenants', async () => {
    const r = await migrate(await fleet.project());
    expect(r.summary).toMatchObject({ schemas: 6, applied: 6, failed: 0 });
    expect(new Set(r.results.map((x) => `${x.database?.includes(String(second.port)) ? 2 : 1}:${x.schema}`))).toEqual(
      new Set(['1:public', '1:tenant_a', '1:tenant_b', '2:public', '2:tenant_x', '2:tenant_y']),
    );
    const s = await statusAll(await fleet.project());
    expect(s.map((d) => d.status?.groups.map((g) => [g.version, g.count]))).toEqual([[['0002', 2]], [['0002', 2]]]);

    const back = await rollback(await fleet.project(), { only: { scope: 'tenant' }, steps: 1 });
    expect(back.summary).toMatchObject({ schemas: 4, applied: 4 });
    expect((await migrate(await fleet.project())).summary).toMatchObject({ applied: 4, upToDate: 2 });
  });

  it('reports the tenants of a server that is down and still does the others (exit 1)', async () => {
    await fleet.version(2);
    await second.stop();
    const r = await runCli(['migrate', '--json', '--config', join(fleet.dir, 'pgfleet.yaml')], { cwd: fleet.dir });
    expect(r.code).toBe(1);
    const result = JSON.parse(r.stdout);
    expect(result.summary).toMatchObject({ applied: 2, upToDate: 1, failed: 1 });
    const failed = result.results.find((x: { status: string }) => x.status === 'failed');
    expect(failed.database).toContain(String(second.port));
    expect(failed.error.message).toMatch(/could not connect/);
    const status = await runCli(['status', '--config', join(fleet.dir, 'pgfleet.yaml')], { cwd: fleet.dir });
    expect(status.code).toBe(3);
    expect(status.stdout).toMatch(/could not be read/);
  });
});

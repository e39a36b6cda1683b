import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTenant, migrate, status } from '../../src/api/fleet.js';
import { loadFleetProject } from '../../src/api/project.js';
import { PgfleetError } from '../../src/errors.js';
import { testDatabase } from '../support/db.js';
import { projectDir } from '../support/project-dir.js';

/**
 * The fleet commands connect while they read their migration files (src/fleet/early-connection.ts).
 * Bad input still wins over a dead database, changes nothing, and leaves no connection open.
 */
const backends = async (client: { query: (sql: string) => Promise<{ rows: { n: number }[] }> }) =>
  (
    await client.query(
      'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    )
  ).rows[0].n;

async function until(check: () => Promise<boolean>, ms = 5_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return check();
}

describe('the early connection', () => {
  it('is closed unused when the migration files are bad: exit 2, no ledger, no backend left', async () => {
    const db = await testDatabase();
    const dir = await projectDir({ database: db.url, config: "tenants:\n  match: 'tenant%'\n" });
    await mkdir(join(dir, 'generated', 'tenant'), { recursive: true });
    await writeFile(join(dir, 'generated', 'tenant', 'first.sql'), 'CREATE TABLE t (id int);\n');
    const project = await loadFleetProject({ configPath: join(dir, 'pgfleet.yaml') });
    for (const run of [() => migrate(project), () => status(project), () => createTenant(project, 'tenant_a')]) {
      const error = await run().catch((e) => e);
      expect(error).toBeInstanceOf(PgfleetError);
      expect(error.code).toBe('input');
      expect(error.message).toMatch(/misnamed migration file/);
    }
    expect(await until(async () => (await backends(db.client)) === 0)).toBe(true);
    const ledger = await db.client.query("SELECT to_regnamespace('pgfleet') IS NOT NULL AS there");
    expect(ledger.rows[0].there).toBe(false);
  });

  it('is the run coordinator: a database that cannot be reached fails as before (connection, exit 3)', async () => {
    const dir = await projectDir({ database: 'postgres://nobody@127.0.0.1:1/none', config: '' });
    const project = await loadFleetProject({ configPath: join(dir, 'pgfleet.yaml') });
    for (const run of [() => migrate(project), () => createTenant(project, 'tenant_a')]) {
      const error = await run().catch((e) => e);
      expect(error).toBeInstanceOf(PgfleetError);
      expect(error.code).toBe('connection');
      expect(error.message).toMatch(/could not connect to the database at postgres:\/\/nobody@127\.0\.0\.1:1\/none/);
    }
  });

  it('leaves no connection open after a run that took it', async () => {
    const db = await testDatabase();
    const dir = await projectDir({ database: db.url, config: "tenants:\n  match: 'tenant%'\n" });
    await mkdir(join(dir, 'generated', 'tenant'), { recursive: true });
    const project = await loadFleetProject({ configPath: join(dir, 'pgfleet.yaml') });
    const result = await status(project);
    expect(result.tenants).toEqual([]);
    expect(await until(async () => (await backends(db.client)) === 0)).toBe(true);
  });
});

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/api/fleet.js';
import { newMigration, rehash } from '../../src/api/manual.js';
import { ident } from '../../src/plan/quote.js';
import { testDatabase, type TestDatabase } from '../support/db.js';
import { fleetProject } from '../fleet/fleet-project.js';

const N = 50;
const tenants = Array.from({ length: N }, (_, i) => `tenant_${String(i + 1).padStart(2, '0')}`);

/** Every tenant is exactly where its history says: `marker` exists iff migration `version` is recorded. */
async function consistent(db: TestDatabase, version: string, marker: string) {
  const applied = new Set(
    (
      await db.client.query(`SELECT schema_name FROM pgfleet.history WHERE version = $1 AND status = 'applied'`, [
        version,
      ])
    ).rows.map((r) => r.schema_name),
  );
  for (const t of tenants) {
    const has = await db.client.query(
      `SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = $2 AND NOT attisdropped`,
      [`${ident(t)}.services_service`, marker],
    );
    expect(has.rowCount === 1, `${t}: column ${marker} vs history`).toBe(applied.has(t));
  }
  return applied.size;
}

describe('faults during migrate', { timeout: 180_000 }, () => {
  let db: TestDatabase;
  let fleet: Awaited<ReturnType<typeof fleetProject>>;
  beforeAll(async () => {
    db = await testDatabase();
    fleet = await fleetProject(db.url);
    for (const t of tenants) await db.client.query(`CREATE SCHEMA ${t}`);
    await fleet.version(0);
    expect((await migrate(await fleet.project())).summary.failed).toBe(0);
  });

  it("cutting the runner's connections mid-run leaves every schema at a recorded version, and a rerun completes", async () => {
    // A slow hand-written migration, so the cut lands while tenants are being migrated.
    const made = await newMigration(await fleet.project(), 'tenant', 'slow marker');
    const text = await readFile(made.path, 'utf8');
    await writeFile(
      made.path,
      text
        .replace(
          /-- \+up[\s\S]*-- \+down/,
          '-- +up\nSELECT pg_sleep(0.05);\nALTER TABLE services_service ADD COLUMN cut_marker integer;\n\n-- +down',
        )
        .replace(/-- \+down[\s\S]*$/, '-- +down\nALTER TABLE services_service DROP COLUMN cut_marker;\n'),
    );
    await rehash(await fleet.project());

    const run = migrate(await fleet.project(), { concurrency: 4 });
    let cuts = 0;
    for (let i = 0; i < 200 && cuts < 3; i++) {
      await new Promise((r) => setTimeout(r, 60));
      const r = await db.client.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'pgfleet' AND state = 'active'`,
      );
      cuts += r.rowCount ?? 0;
    }
    const result = await run;
    expect(cuts).toBeGreaterThan(0);
    expect(result.summary.failed).toBeGreaterThan(0);
    expect(result.summary.applied + result.summary.failed).toBe(N);
    await consistent(db, '0002', 'cut_marker');

    const rerun = await migrate(await fleet.project());
    expect(rerun.summary.failed).toBe(0);
    expect(await consistent(db, '0002', 'cut_marker')).toBe(N);
  });

  it('of three concurrent runs exactly one works', async () => {
    await fleet.version(1);
    const runs = await Promise.allSettled([1, 2, 3].map(async () => migrate(await fleet.project())));
    expect(runs.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(runs.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)).toEqual([
      'lock',
      'lock',
    ]);
    expect(await consistent(db, '0003', 'capacity')).toBe(N);
  });
});

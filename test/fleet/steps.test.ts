import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { drift } from '../../src/api/drift.js';
import { migrate, rollback, status } from '../../src/api/fleet.js';
import { generate } from '../../src/api/generate.js';
import { PgfleetError } from '../../src/errors.js';
import { readMigrations } from '../../src/migrations/index.js';
import { runCli } from '../cli/run-cli.js';
import { expectFleetAtRecordedVersions } from '../faults/invariant.js';
import { type TestDatabase, testDatabase } from '../support/db.js';
import { fleetProject } from './fleet-project.js';

const V0 = `tables:
  shop_order:
    columns:
      id: { type: bigint, identity: always }
      total: { type: integer }
      reference: { type: text }
      note: { type: text, nullable: true }
    primaryKey: [id]
`;
// A CHECK, NOT NULL with a backfill, a UNIQUE and an index on a table that exists: online forms, eight steps.
const V1 = `tables:
  shop_order:
    columns:
      id: { type: bigint, identity: always }
      total: { type: integer, check: total >= 0 }
      reference: { type: text, unique: true }
      note: { type: text, backfill: "-" }
    primaryKey: [id]
    indexes:
      shop_order_total_idx: { columns: [total] }
`;

const tenants = ['tenant_a', 'tenant_b', 'tenant_c', 'tenant_d'];

describe('a migration of steps on a fleet', { timeout: 240_000 }, () => {
  let db: TestDatabase;
  let fleet: Awaited<ReturnType<typeof fleetProject>>;
  const model = async (yaml: string) => {
    await writeFile(join(fleet.dir, 'schema', 'tenant', 'shop.yaml'), yaml);
    await generate(await fleet.project());
  };
  const stepsDone = async (schema: string) =>
    (
      await db.client.query<{ steps_done: number }>(
        'SELECT steps_done FROM pgfleet.step_progress WHERE schema_name = $1',
        [schema],
      )
    ).rows[0]?.steps_done ?? null;

  beforeAll(async () => {
    db = await testDatabase();
    fleet = await fleetProject(db.url);
    for (const t of tenants) await db.client.query(`CREATE SCHEMA ${t}`);
    await model(V0);
    expect((await migrate(await fleet.project())).summary).toMatchObject({ applied: 5, failed: 0 });
    for (const t of tenants) {
      await db.client.query(
        `INSERT INTO ${t}.shop_order (total, reference, note) VALUES (1, 'r1', NULL), (2, 'r2', 'x')`,
      );
    }
    await model(V1);
  });

  it('is written as steps with their hazards, and refused before anything runs when a hazard is not allowed', async () => {
    const set = await readMigrations((await fleet.project()).config.migrations);
    const m = set.tenant[1];
    expect(m.steps?.up.length).toBeGreaterThan(5);
    expect(m.steps?.up.some((s) => !s.transactional)).toBe(true);
    expect(m.steps?.up.flatMap((s) => s.statements.flatMap((x) => x.hazards.map((h) => h.kind)))).toEqual(
      expect.arrayContaining(['validates', 'index_build']),
    );
    await appendFile(join(fleet.dir, 'pgfleet.yaml'), 'allowHazards: [validates]\n');
    const cli = await runCli(['migrate', '--config', join(fleet.dir, 'pgfleet.yaml')], { cwd: fleet.dir });
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(/tenant\/0002_\w+\.sql/);
    expect(cli.stderr).toMatch(/index_build: CREATE UNIQUE INDEX CONCURRENTLY shop_order_reference_key/);
    expect(cli.stderr).toMatch(/--allow-hazards index_build/);
    expect(await stepsDone('tenant_a')).toBeNull();
    const refused = await migrate(await fleet.project()).catch((e) => e);
    expect(refused).toBeInstanceOf(PgfleetError);
    await writeFile(
      join(fleet.dir, 'pgfleet.yaml'),
      (await import('node:fs'))
        .readFileSync(join(fleet.dir, 'pgfleet.yaml'), 'utf8')
        .replace('allowHazards: [validates]\n', ''),
    );
  });

  it('stops a schema inside the migration at a recorded step, shows it, resumes at the next step, and rolls back from any step', async () => {
    // tenant_b's data breaks the VALIDATE of the check (after NOT VALID committed);
    // tenant_c's breaks the concurrent unique build (its INVALID index is dropped with the failure).
    await db.client.query(`INSERT INTO tenant_b.shop_order (total, reference) VALUES (-5, 'neg')`);
    await db.client.query(`INSERT INTO tenant_c.shop_order (total, reference) VALUES (3, 'r1')`);
    const r = await migrate(await fleet.project());
    expect(r.summary).toMatchObject({ applied: 2, failed: 2 });
    expect(r.results.find((x) => x.schema === 'tenant_b')?.error?.message).toMatch(/check constraint/);
    expect(r.results.find((x) => x.schema === 'tenant_c')?.error?.message).toMatch(/could not create unique index/);
    const b = await stepsDone('tenant_b');
    const c = await stepsDone('tenant_c');
    expect(b).toBeGreaterThan(c ?? 0);
    // The rows that were NULL are backfilled; new NULLs are refused by the NOT VALID check already.
    expect(
      (await db.client.query(`SELECT count(*)::int AS n FROM tenant_b.shop_order WHERE note IS NULL`)).rows[0].n,
    ).toBe(0);

    const s = await status(await fleet.project());
    const inside = s.tenants.find((t) => t.schema === 'tenant_b')?.inside;
    expect(inside).toMatchObject({ stepsDone: b, steps: expect.any(Number) });
    expect(s.groups.find((g) => g.schemas.includes('tenant_b'))?.inside).toMatch(/^0002_\w+ step \d+ of \d+$/);
    // Inside a migration is a recorded state: drift against history finds nothing else.
    await expectFleetAtRecordedVersions(await fleet.project());

    // A killed concurrent build leaves an INVALID index: drift sees it, and the rerun rebuilds it.
    await db.client
      .query('CREATE UNIQUE INDEX CONCURRENTLY shop_order_reference_key ON tenant_c.shop_order (reference)')
      .catch(() => undefined);
    const invalid = await drift(await fleet.project(), { only: { schema: 'tenant_c' } } as never);
    expect(invalid.schemas.find((x) => x.schema === 'tenant_c')?.drifted).toBe(true);

    await db.client.query(`UPDATE tenant_b.shop_order SET total = 5 WHERE total < 0`);
    await db.client.query(`UPDATE tenant_c.shop_order SET reference = 'r3' WHERE total = 3`);
    // The rerun starts at the step after the last one done: step 1 (ADD CONSTRAINT) again would fail, "already exists".
    const again = await migrate(await fleet.project());
    expect(again.summary).toMatchObject({ applied: 2, failed: 0 });
    expect(await stepsDone('tenant_b')).toBeNull();
    const versions = await expectFleetAtRecordedVersions(await fleet.project());
    expect([...versions.values()].filter((v) => v === '0002')).toHaveLength(4);
    const valid = await db.client.query(
      `SELECT count(*)::int AS n FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace
        WHERE n.nspname LIKE 'tenant_%' AND NOT k.convalidated`,
    );
    expect(valid.rows[0].n).toBe(0);

    // Rollback of the whole migration, step by step down.
    const back = await rollback(await fleet.project(), { only: { scope: 'tenant' }, steps: 1 });
    expect(back.summary).toMatchObject({ applied: 4, failed: 0 });
    await expectFleetAtRecordedVersions(await fleet.project());
    // A schema stopped inside the migration rolls back from there.
    await db.client.query(`INSERT INTO tenant_a.shop_order (total, reference) VALUES (-1, 'neg')`);
    const partly = await migrate(await fleet.project());
    expect(partly.summary).toMatchObject({ applied: 3, failed: 1 });
    expect(await stepsDone('tenant_a')).toBeGreaterThan(0);
    const fromInside = await rollback(await fleet.project(), { only: { schema: 'tenant_a' }, to: '0001' });
    expect(fromInside.summary).toMatchObject({ applied: 1, failed: 0 });
    expect(await stepsDone('tenant_a')).toBeNull();
    const versionsAfter = await expectFleetAtRecordedVersions(await fleet.project());
    expect(versionsAfter.get('tenant_a')).toBe('0001');
  });
});

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/api/fleet.js';
import { generate } from '../../src/api/generate.js';
import { migrationSteps, parseMigration, readMigrations } from '../../src/migrations/index.js';
import type { Migration } from '../../src/migrations/types.js';
import { upDetectingRewrites } from '../../src/replay/detect-rewrites.js';
import { createLayout, type ScratchLayout } from '../../src/replay/replay.js';
import { fleetProject } from '../fleet/fleet-project.js';
import { type TestDatabase, testDatabase } from '../support/db.js';

const V0 = `tables:
  shop_item:
    columns:
      id: { type: bigint, identity: always }
      qty: { type: integer }
      code: { type: varchar(10) }
      label: { type: varchar(50) }
      price: { type: "numeric(10,2)" }
      seen: { type: timestamp, nullable: true }
      title: { type: text }
    primaryKey: [id]
    indexes:
      shop_item_code_idx: { columns: [code] }
      shop_item_title_idx: { columns: [title] }
`;
// The rule (types compared by name) is wrong both ways here: it calls the numeric widening
// a rewrite and misses the volatile default. The catalog decides.
const V1 = `tables:
  shop_item:
    columns:
      id: { type: bigint, identity: always }
      qty: { type: bigint }
      code: { type: varchar(20) }
      label: { type: text }
      price: { type: "numeric(12,2)" }
      seen: { type: timestamptz, nullable: true }
      added_at: { type: timestamptz, default: { sql: clock_timestamp() } }
      origin: { type: text, default: shop }
      title: { type: text, collation: C }
    primaryKey: [id]
    indexes:
      shop_item_code_idx: { columns: [code] }
      shop_item_title_idx: { columns: [title] }
`;

/** The up statements with a hazard of `kind` written above them, by their first line. */
const rewriteLines = (m: Migration, kind = 'rewrites_table') =>
  migrationSteps(m).up.flatMap((step) =>
    step.statements
      .filter((s) => s.hazards.some((h) => h.kind === kind))
      .map((s) => s.sql.split('\n').filter((l) => !l.startsWith('--'))[0]),
  );

describe('rewrites_table comes from the catalog', { timeout: 120_000 }, () => {
  let db: TestDatabase;
  let fleet: Awaited<ReturnType<typeof fleetProject>>;
  let migration: Migration;

  beforeAll(async () => {
    db = await testDatabase();
    fleet = await fleetProject(db.url);
    await writeFile(join(fleet.dir, 'schema', 'tenant', 'shop.yaml'), V0);
    await generate(await fleet.project());
    await writeFile(join(fleet.dir, 'schema', 'tenant', 'shop.yaml'), V1);
    await generate(await fleet.project());
    migration = (await readMigrations((await fleet.project()).config.migrations)).tenant[1];
  });

  it('labels exactly the statements after which Postgres gave the table new storage', () => {
    const labelled = rewriteLines(migration);
    // integer -> bigint and a volatile default copy the table.
    expect(labelled).toContainEqual(expect.stringMatching(/ALTER COLUMN qty TYPE bigint/));
    expect(labelled).toContainEqual(expect.stringMatching(/ADD COLUMN added_at .*clock_timestamp\(\)/));
    // Binary-coercible changes and a constant default do not.
    for (const no of [/code TYPE/, /label TYPE/, /price TYPE/, /ADD COLUMN origin/]) {
      expect(labelled.filter((l) => no.test(l))).toEqual([]);
    }
    // timestamp -> timestamptz is copied unless the session's TimeZone is UTC (the dev
    // database's is, production's may not be): the rule's label stands.
    expect(labelled).toContainEqual(expect.stringMatching(/ALTER COLUMN seen TYPE timestamp with time zone/));
    expect(labelled).toHaveLength(3);
    expect(migration.hazards.filter((h) => /rewrites /.test(h))).toHaveLength(3);
    expect(migration.hazards.join('\n')).not.toMatch(/price/);
  });

  it('labels an index rebuilt by a statement that does not copy its table', () => {
    // A collation change keeps the table but rebuilds its index under ACCESS EXCLUSIVE.
    expect(rewriteLines(migration, 'blocks_reads')).toEqual([
      expect.stringMatching(/ALTER COLUMN title TYPE text COLLATE "C"/),
    ]);
    expect(migration.hazards.join('\n')).toMatch(/rebuilds index shop_item_title_idx of shop_item/);
  });

  it('is refused by migrate unless allowed, before any schema is touched', async () => {
    await db.client.query('CREATE SCHEMA tenant_a');
    await expect(migrate(await fleet.project())).rejects.toThrow(/rewrites_table/);
    const { rows } = await db.client.query(
      "SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'tenant_a'",
    );
    expect(rows).toEqual([]);
  });
});

describe('upDetectingRewrites on a hand-made migration', { timeout: 60_000 }, () => {
  it('finds each statement that gave a table or an index new storage, in any kind of step', async () => {
    const db = await testDatabase();
    const layout: ScratchLayout = { shared: 'rw_shared', tenant: 'rw_tenant' };
    await createLayout(db.client, layout);
    await db.client.query(
      'CREATE TABLE rw_tenant.t (id int, v varchar(10), c text); CREATE INDEX t_c_idx ON rw_tenant.t (c); CREATE TABLE rw_tenant.u (id int)',
    );
    const m = parseMigration(
      `-- pgfleet 0002_x
-- scope: tenant
-- hazards: none

-- +up
-- +step transaction: true
ALTER TABLE t ALTER COLUMN v TYPE varchar(20);
COMMENT ON TABLE t IS 'not a copy';
ALTER TABLE t SET UNLOGGED;
ALTER TABLE u ADD COLUMN at timestamptz DEFAULT now();
-- +step transaction: false
CREATE INDEX CONCURRENTLY u_id_idx ON u (id);
-- +step transaction: true
ALTER TABLE t ALTER COLUMN c TYPE text COLLATE "C";
ALTER TABLE u ADD COLUMN seen timestamptz DEFAULT clock_timestamp();

-- +down
`,
      'tenant/0002_x.sql',
    );
    const found = await upDetectingRewrites(db.client, layout, [m]);
    expect(found.get('tenant/0002_x.sql')).toEqual([
      { step: 0, statement: 2, table: 't' },
      { step: 2, statement: 0, table: 't', index: 't_c_idx' },
      { step: 2, statement: 1, table: 'u' },
    ]);
    // The migration ran, and the baseline table is gone.
    const { rows } = await db.client.query(
      "SELECT to_regclass('pg_temp.pgfleet_storage_before') AS t, to_regclass('rw_tenant.u_id_idx') AS i",
    );
    expect(rows[0]).toEqual({ t: null, i: 'rw_tenant.u_id_idx' });
  });
});

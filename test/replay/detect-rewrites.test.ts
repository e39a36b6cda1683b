import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/api/fleet.js';
import { generate } from '../../src/api/generate.js';
import { readMigrations } from '../../src/migrations/index.js';
import type { Migration } from '../../src/migrations/types.js';
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
  m.steps.up.flatMap((step) =>
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

import pg from 'pg';
import { beforeAll, expect, it, vi } from 'vitest';
import { inspectSchema, inspectSchemas } from '../../src/inspect/index.js';
import { column, emptyModel, enumType, index, model, sequence, table } from '../../src/model/build.js';
import { ident } from '../../src/plan/quote.js';
import { testDatabase } from '../support/db.js';

const { client, url } = await testDatabase();
const options = { sharedSchema: 'shared' };

/** The same tenant DDL, run with search_path = the tenant, then the shared schema. */
async function createTenant(schema: string) {
  await client.query('BEGIN');
  await client.query(`CREATE SCHEMA ${ident(schema)}`);
  await client.query(`SET LOCAL search_path = ${ident(schema)}, shared`);
  await client.query(`
    CREATE TYPE status AS ENUM ('new', 'done');
    CREATE SEQUENCE invoice_no START 1000;
    CREATE TABLE users (
      id serial PRIMARY KEY,
      email text NOT NULL,
      st status NOT NULL DEFAULT 'new' CHECK (st <> 'done'),
      plan integer REFERENCES plans,
      no bigint DEFAULT nextval('invoice_no')
    );
    CREATE INDEX users_email_idx ON users (lower(email)) WHERE st = 'new';
  `);
  await client.query('COMMIT');
}

const tenant = model({
  enums: [enumType('status', ['new', 'done'])],
  sequences: [sequence('invoice_no', { start: '1000' })],
  tables: [
    table(
      'users',
      [
        column('id', 'serial'),
        column('email', 'text'),
        column('st', 'status', { default: "'new'::status" }),
        column('plan', 'integer', { nullable: true }),
        column('no', 'bigint', { nullable: true, default: "nextval('invoice_no'::regclass)" }),
      ],
      {
        primaryKey: { name: 'users_pkey', columns: ['id'] },
        checks: [{ kind: 'check', name: 'users_st_check', expression: "(st <> 'done'::status)" }],
        foreignKeys: [
          {
            kind: 'foreignKey',
            name: 'users_plan_fkey',
            columns: ['plan'],
            refTable: 'shared.plans',
            refColumns: ['id'],
            onDelete: 'no action',
            onUpdate: 'no action',
            deferrable: 'not deferrable',
          },
        ],
        indexes: [
          index('users_email_idx', [], {
            elements: [
              { column: null, expression: 'lower(email)', order: 'asc', nulls: 'last', opclass: null, collation: null },
            ],
            where: "(st = 'new'::status)",
          }),
        ],
      },
    ),
  ],
});

const TENANTS = ['tenant_1', 'tenant_2', 'Tenant "Three"', 'select', 'tenant_5', 'tenant_6'];

beforeAll(async () => {
  await client.query('CREATE SCHEMA shared; CREATE TABLE shared.plans (id integer PRIMARY KEY)');
  for (const t of TENANTS) await createTenant(t);
  // A tenant that differs, to show that rows never leak between schemas.
  await client.query('CREATE SCHEMA odd; CREATE TABLE odd.users (id integer)');
});

it('reads several tenants in one call; each prints its own types unqualified', async () => {
  const models = await inspectSchemas(client, [...TENANTS, 'odd'], options);
  expect([...models.keys()]).toEqual([...TENANTS, 'odd']);
  for (const t of TENANTS) expect(models.get(t), t).toEqual(tenant);
  expect(models.get('odd')).toEqual(model({ tables: [table('users', [column('id', 'integer', { nullable: true })])] }));
});

it('gives the same model for a schema inspected alone or with others', async () => {
  const together = await inspectSchemas(client, ['tenant_1', 'tenant_2'], options);
  expect(await inspectSchema(client, 'tenant_2', options)).toEqual(together.get('tenant_2'));
});

it('gives an empty model for a schema that does not exist, and nothing for no schemas', async () => {
  expect(await inspectSchema(client, 'no_such_schema', options)).toEqual(emptyModel());
  expect(await inspectSchemas(client, [], options)).toEqual(new Map());
});

it('reads the same models whether it finds the relations by index (up to 1,000 schemas) or by scanning pg_class', async () => {
  // Schemas that do not exist make the scope large enough to scan, and add nothing.
  const padding = Array.from({ length: 1000 }, (_, i) => `absent_${i}`);
  const scanned = await inspectSchemas(client, [...TENANTS, 'odd', ...padding], options);
  const byIndex = await inspectSchemas(client, [...TENANTS, 'odd'], options);
  for (const t of [...TENANTS, 'odd']) expect(scanned.get(t), t).toEqual(byIndex.get(t));
});

it('finds a table, its sequence and a view moved into the schema with SET SCHEMA', async () => {
  await client.query(`
    CREATE SCHEMA moved_from; CREATE SCHEMA moved_to;
    CREATE TABLE moved_from.things (id serial PRIMARY KEY);
    CREATE VIEW moved_from.thing_ids AS SELECT id FROM moved_from.things;
    ALTER TABLE moved_from.things SET SCHEMA moved_to;
    ALTER VIEW moved_from.thing_ids SET SCHEMA moved_to;`);
  const models = await inspectSchemas(client, ['moved_from', 'moved_to'], options);
  expect(models.get('moved_from')).toEqual(emptyModel());
  const to = models.get('moved_to')!;
  expect(to.tables.map((t) => [t.name, t.columns.map((c) => c.type)])).toEqual([['things', ['serial']]]);
  expect(to.views.map((v) => v.name)).toEqual(['thing_ids']);
});

it('uses the same number of queries for one schema as for many', async () => {
  const spy = vi.spyOn(client, 'query');
  try {
    await inspectSchemas(client, TENANTS.slice(0, 1), options);
    const forOne = spy.mock.calls.length;
    spy.mockClear();
    await inspectSchemas(client, TENANTS, options);
    expect(spy.mock.calls.length).toBe(forOne);
    // BEGIN, the objects' OIDs, one query per object kind, COMMIT.
    expect(forOne).toBeLessThanOrEqual(11);
  } finally {
    spy.mockRestore();
  }
});

it('leaves the session search_path as it was', async () => {
  await client.query('SET search_path = odd, public');
  await inspectSchemas(client, TENANTS, options);
  expect((await client.query('SHOW search_path')).rows[0].search_path).toBe('odd, public');
  await client.query('RESET search_path');
});

it('reports a failure with the schemas it was reading', async () => {
  const closed = new pg.Client(url);
  await closed.connect();
  await closed.end();
  await expect(inspectSchema(closed, 'tenant_1', options)).rejects.toThrow(/inspecting schema "tenant_1"/);
});

import { beforeAll, expect, it } from 'vitest';
import { inspectSchema } from '../../src/inspect/index.js';
import { column, model, table } from '../../src/model/build.js';
import type { CheckConstraint, ForeignKey, UniqueConstraint } from '../../src/model/types.js';
import { testDatabase } from '../support/db.js';

const { client } = await testDatabase();
const options = { sharedSchema: 'shared' };

const fk = (name: string, columns: string[], refTable: string, refColumns: string[], more: Partial<ForeignKey> = {}) =>
  ({
    kind: 'foreignKey',
    name,
    columns,
    refTable,
    refColumns,
    onDelete: 'no action',
    onUpdate: 'no action',
    deferrable: 'not deferrable',
    ...more,
  }) satisfies ForeignKey;
const unique = (name: string, columns: string[], deferrable: UniqueConstraint['deferrable'] = 'not deferrable') =>
  ({ kind: 'unique', name, columns, deferrable }) satisfies UniqueConstraint;
const check = (name: string, expression: string) => ({ kind: 'check', name, expression }) satisfies CheckConstraint;

beforeAll(async () => {
  await client.query(`
    CREATE SCHEMA shared;
    CREATE TABLE shared.plans (id integer PRIMARY KEY, code text UNIQUE);
    CREATE TABLE shared.addons (id integer PRIMARY KEY, plan integer REFERENCES shared.plans);
    CREATE SCHEMA other;
    CREATE TABLE other.regions (id integer PRIMARY KEY);
    CREATE SCHEMA con;
    CREATE TABLE con.customers (id integer, region integer, CONSTRAINT customers_pkey PRIMARY KEY (region, id));
    CREATE TABLE con."order" (
      id bigint PRIMARY KEY,
      customer integer NOT NULL,
      region integer NOT NULL,
      plan integer REFERENCES shared.plans ON DELETE SET NULL,
      parent bigint DEFAULT 0,
      other_region integer REFERENCES other.regions (id),
      price numeric NOT NULL CHECK (price >= 0),
      code text,
      "user" text,
      CONSTRAINT order_customer_fkey FOREIGN KEY (region, customer) REFERENCES con.customers (region, id)
        ON DELETE CASCADE ON UPDATE RESTRICT DEFERRABLE INITIALLY DEFERRED,
      CONSTRAINT order_parent_fkey FOREIGN KEY (parent) REFERENCES con."order" ON DELETE SET DEFAULT,
      CONSTRAINT order_code_user_key UNIQUE (code, "user") DEFERRABLE,
      CONSTRAINT order_user_key UNIQUE ("user") DEFERRABLE INITIALLY DEFERRED,
      CONSTRAINT "Order check" CHECK (code <> '' AND "user" IS NOT NULL),
      CONSTRAINT order_flag CHECK (true) NO INHERIT
    );
    ALTER TABLE con."order" ADD CONSTRAINT order_price_max CHECK (price < 1000) NOT VALID;
    ALTER TABLE con."order" ADD CONSTRAINT order_code_fkey FOREIGN KEY (code) REFERENCES shared.plans (code)
      ON UPDATE CASCADE NOT VALID;
  `);
});

it('reads primary keys, uniques, checks and foreign keys of a tenant schema', async () => {
  const expected = model({
    tables: [
      table('customers', [column('id', 'integer'), column('region', 'integer')], {
        // conkey order, not column order.
        primaryKey: { name: 'customers_pkey', columns: ['region', 'id'] },
      }),
      table(
        'order',
        [
          column('id', 'bigint'),
          column('customer', 'integer'),
          column('region', 'integer'),
          column('plan', 'integer', { nullable: true }),
          column('parent', 'bigint', { nullable: true, default: '0' }),
          column('other_region', 'integer', { nullable: true }),
          column('price', 'numeric'),
          column('code', 'text', { nullable: true }),
          column('user', 'text', { nullable: true }),
        ],
        {
          primaryKey: { name: 'order_pkey', columns: ['id'] },
          uniques: [
            unique('order_code_user_key', ['code', 'user'], 'deferrable initially immediate'),
            unique('order_user_key', ['user'], 'deferrable initially deferred'),
          ],
          // Fully parenthesised, with the casts Postgres added; NO INHERIT and NOT VALID are not part of it.
          checks: [
            check('Order check', `((code <> ''::text) AND ("user" IS NOT NULL))`),
            check('order_flag', 'true'),
            check('order_price_check', '(price >= (0)::numeric)'),
            // Added NOT VALID and not validated since: the inspector says so (online forms validate later).
            { ...check('order_price_max', '(price < (1000)::numeric)'), notValid: true },
          ],
          foreignKeys: [
            { ...fk('order_code_fkey', ['code'], 'shared.plans', ['code'], { onUpdate: 'cascade' }), notValid: true },
            fk('order_customer_fkey', ['region', 'customer'], 'customers', ['region', 'id'], {
              onDelete: 'cascade',
              onUpdate: 'restrict',
              deferrable: 'deferrable initially deferred',
            }),
            fk('order_other_region_fkey', ['other_region'], 'other.regions', ['id']),
            fk('order_parent_fkey', ['parent'], 'order', ['id'], { onDelete: 'set default' }),
            fk('order_plan_fkey', ['plan'], 'shared.plans', ['id'], { onDelete: 'set null' }),
          ],
        },
      ),
    ],
  });
  expect(await inspectSchema(client, 'con', options)).toEqual(expected);
});

it('names tables of the shared schema without a prefix when the shared schema is inspected', async () => {
  const expected = model({
    tables: [
      table('addons', [column('id', 'integer'), column('plan', 'integer', { nullable: true })], {
        primaryKey: { name: 'addons_pkey', columns: ['id'] },
        foreignKeys: [fk('addons_plan_fkey', ['plan'], 'plans', ['id'])],
      }),
      table('plans', [column('id', 'integer'), column('code', 'text', { nullable: true })], {
        primaryKey: { name: 'plans_pkey', columns: ['id'] },
        uniques: [unique('plans_code_key', ['code'])],
      }),
    ],
  });
  expect(await inspectSchema(client, 'shared', options)).toEqual(expected);
});

it('gives check expressions exactly as pg_get_constraintdef prints them inside CHECK (...)', async () => {
  const { rows } = await client.query<{ name: string; def: string }>(
    `SELECT conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint
     WHERE conrelid = 'con."order"'::regclass AND contype = 'c'`,
  );
  const stripped = new Map(
    rows.map((r) => [
      r.name,
      r.def
        .replace(/ NOT VALID$/, '')
        .replace(/ NO INHERIT$/, '')
        .slice('CHECK ('.length, -1),
    ]),
  );
  const model = await inspectSchema(client, 'con', options);
  const checks = model.tables.find((t) => t.name === 'order')?.checks ?? [];
  expect(new Map(checks.map((c) => [c.name, c.expression]))).toEqual(stripped);
});

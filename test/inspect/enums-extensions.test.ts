import { beforeAll, expect, it } from 'vitest';
import { inspectSchema } from '../../src/inspect/index.js';
import { column, enumType, model, table } from '../../src/model/build.js';
import { testDatabase } from '../support/db.js';

const { client } = await testDatabase();
const options = { sharedSchema: 'shared' };

beforeAll(async () => {
  await client.query(`
    CREATE SCHEMA shared;
    CREATE EXTENSION citext SCHEMA shared;
    CREATE EXTENSION pg_trgm SCHEMA shared;
    CREATE TYPE shared.currency AS ENUM ('usd', 'eur');
    COMMENT ON TYPE shared.currency IS 'Money';
    CREATE SCHEMA ten;
    CREATE TYPE ten.status AS ENUM ('new', 'done');
    CREATE TYPE ten."Mixed Case" AS ENUM ('A b', 'it''s');
    CREATE TABLE ten.accounts (email shared.citext, cur shared.currency DEFAULT 'eur');
  `);
  // ADD VALUE cannot share a transaction (one simple query) with the value's first use.
  await client.query(`ALTER TYPE ten.status ADD VALUE 'active' BEFORE 'done'`);
  await client.query(`ALTER TYPE ten.status ADD VALUE 'archived'`);
});

it('lists the extensions of the shared schema, but none of the objects they create', async () => {
  expect(await inspectSchema(client, 'shared', options)).toEqual(
    model({
      extensions: [
        { kind: 'extension', name: 'citext' },
        { kind: 'extension', name: 'pg_trgm' },
      ],
      enums: [enumType('currency', ['usd', 'eur'], 'Money')],
    }),
  );
});

it('lists enum values in their sort order, not the order they were added in', async () => {
  expect(await inspectSchema(client, 'ten', options)).toEqual(
    model({
      enums: [enumType('Mixed Case', ['A b', "it's"]), enumType('status', ['new', 'active', 'done', 'archived'])],
      tables: [
        table('accounts', [
          column('email', 'citext', { nullable: true }),
          column('cur', 'currency', { nullable: true, default: "'eur'::currency" }),
        ]),
      ],
    }),
  );
});

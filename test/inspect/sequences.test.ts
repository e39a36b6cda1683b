import { beforeAll, expect, it } from 'vitest';
import { inspectSchema } from '../../src/inspect/index.js';
import { column, model, sequence, table } from '../../src/model/build.js';
import { testDatabase } from '../support/db.js';

const { client } = await testDatabase();
const options = { sharedSchema: 'shared' };

beforeAll(async () => {
  await client.query(`
    CREATE SCHEMA seqs;
    CREATE SEQUENCE seqs.counter AS integer START 100 INCREMENT 5 MINVALUE 10 MAXVALUE 100000 CACHE 20 CYCLE;
    COMMENT ON SEQUENCE seqs.counter IS 'Counts';
    CREATE SEQUENCE seqs."Plain";
    CREATE SEQUENCE seqs.down INCREMENT -1;
    CREATE TABLE seqs.things (
      id serial,
      big bigserial,
      small smallserial,
      counter integer DEFAULT nextval('seqs.counter'),
      tweaked serial,
      ident bigint GENERATED ALWAYS AS IDENTITY (START 7),
      wide bigint DEFAULT nextval('seqs."Plain"')
    );
    ALTER SEQUENCE seqs.things_tweaked_seq INCREMENT 2;
    CREATE TABLE seqs."Name Tags" (id serial, "user" serial);
  `);
});

it('folds serial columns, lists standalone sequences and never identity sequences', async () => {
  const expected = model({
    sequences: [
      sequence('Plain'),
      sequence('counter', {
        type: 'integer',
        start: '100',
        increment: '5',
        min: '10',
        max: '100000',
        cache: '20',
        cycle: true,
        comment: 'Counts',
      }),
      sequence('down', { start: '-1', increment: '-1', min: '-9223372036854775808', max: '-1' }),
      // Owned by a column, but not what `serial` makes: the column keeps its default, so
      // the model needs the sequence.
      sequence('things_tweaked_seq', { type: 'integer', increment: '2', max: '2147483647' }),
    ],
    tables: [
      // Sequence names that need quotes fold too: nextval('"Name Tags_id_seq"'::regclass).
      table('Name Tags', [column('id', 'serial'), column('user', 'serial')]),
      table('things', [
        column('id', 'serial'),
        column('big', 'bigserial'),
        column('small', 'smallserial'),
        column('counter', 'integer', { nullable: true, default: "nextval('counter'::regclass)" }),
        column('tweaked', 'integer', { default: "nextval('things_tweaked_seq'::regclass)" }),
        column('ident', 'bigint', { identity: 'always' }),
        column('wide', 'bigint', { nullable: true, default: `nextval('"Plain"'::regclass)` }),
      ]),
    ],
  });
  expect(await inspectSchema(client, 'seqs', options)).toEqual(expected);
});

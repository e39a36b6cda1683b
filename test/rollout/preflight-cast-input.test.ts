import { beforeAll, describe, expect, it } from 'vitest';
import { castValidity } from '../../src/fleet/preflight/cast-validity.js';
import { checksSelect } from '../../src/fleet/preflight/check-query.js';
import type { Check } from '../../src/fleet/preflight/checks.js';
import { literal } from '../../src/plan/quote.js';
import { type TestDatabase, testDatabase } from '../support/db.js';

const TYPES = [
  'smallint',
  'int2',
  'integer',
  'INT',
  'bigint',
  'numeric',
  'numeric(5,2)',
  'decimal(3)',
  'numeric(2, -2)',
  'numeric(3,5)',
  'varchar(3)',
  'character varying(5)',
  'char(2)',
  'character',
  'bpchar',
  'text',
  'uuid',
  'boolean',
  'bool',
];

const SAMPLES = [
  '',
  ' ',
  '0',
  '7',
  ' 42 ',
  '\t-17\n',
  '+5',
  '- 5',
  '1.5',
  '1.',
  '.5',
  '.',
  '-.5e2',
  '1e3',
  '1E-2',
  '1e',
  '1e+1000',
  '1e1001',
  '123.456',
  '999.994',
  '999.995',
  '-999.995',
  '0.000001',
  '149',
  '150',
  '9949',
  '32767',
  '32768',
  '-32768',
  '-32769',
  '2147483647',
  '2147483648',
  '-2147483648',
  '9223372036854775807',
  '9223372036854775808',
  '-9223372036854775808',
  '00000000000000000000000000000042',
  'NaN',
  ' nan ',
  'Infinity',
  '-infinity',
  '+Infinity',
  'inf',
  '-INF',
  'infinit',
  '+nan',
  '1e131071',
  '1e131072',
  '0.0001e131075',
  '1e-16383',
  '1e-16384',
  '1.5e-16382',
  '123e-16384',
  '0e200000',
  '0.000e-16383',
  '1e1073741822',
  '1e-1073741823',
  '1e99999999999999999999',
  'abc',
  'ab ',
  'abc   ',
  'abcd',
  ' abc',
  'é',
  'ééé',
  'éééé',
  't',
  'TRUE',
  ' yes ',
  'y',
  'on',
  'o',
  'of',
  'off',
  'OFF ',
  'onn',
  'f',
  'fals',
  'falsey',
  'no',
  'n',
  '1',
  '0',
  '2',
  '10',
  'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
  'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11',
  '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}',
  'a0eebc999c0b4ef8bb6d6bb9bd380a11',
  'a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11',
  'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1',
  'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11-',
  ' a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
  '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
  'g0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
];
/** Input whose validity changed in Postgres 16 (underscores, hex, octal, binary; a space after e). */
const PG16_SYNTAX = ['1_000', '0x1F', '0o17', '0b101', '1_000.5', '1e 5'];

/**
 * Before Postgres 16 a type change is checked by cast-validity's predicates. They must agree
 * with the type's input function on every sample: the truth is an INSERT of the sample as a
 * literal into a column of the type (the input function with the column's typmod), in a
 * savepoint. Run on 15 with PGFLEET_PG_VERSION=15 (the matrix runs this file on 15, 16, 17);
 * on 16 and later the samples of their wider syntax are left out.
 */
describe("preflight's type-change predicates match the input functions (Postgres 15 without pg_input_is_valid)", () => {
  let db: TestDatabase;
  let samples: string[];
  beforeAll(async () => {
    db = await testDatabase();
    const major = Number((await db.client.query('SHOW server_version_num')).rows[0].server_version_num);
    samples = major >= 160000 ? SAMPLES : [...SAMPLES, ...PG16_SYNTAX];
    await db.client.query('CREATE TABLE src (id serial PRIMARY KEY, val text)');
    await db.client.query('INSERT INTO src (val) SELECT unnest($1::text[])', [samples]);
    await db.client.query('INSERT INTO src (val) VALUES (NULL)');
  });

  async function accepted(type: string): Promise<Set<string>> {
    const ok = new Set<string>();
    await db.client.query('BEGIN');
    try {
      await db.client.query(`CREATE TEMP TABLE probe (v ${type}) ON COMMIT DROP`);
      for (const s of samples) {
        await db.client.query('SAVEPOINT p');
        try {
          await db.client.query(`INSERT INTO probe VALUES (${literal(s)})`);
          ok.add(s);
        } catch {
          // not valid input for the type
        }
        await db.client.query('ROLLBACK TO SAVEPOINT p');
      }
    } finally {
      await db.client.query('ROLLBACK');
    }
    return ok;
  }

  it('agree with the input function on every sample, through the query preflight sends', async () => {
    for (const type of TYPES) {
      const ok = await accepted(type);
      const valid = castValidity(type);
      expect(valid, type).not.toBeNull();
      // Each sample alone, so a disagreement names it.
      const r = await db.client.query<{ val: string; valid: boolean }>(
        `SELECT val, ${valid!('val', `btrim(val, E' \\t\\n\\r\\f' || chr(11))`)} AS valid FROM src WHERE val IS NOT NULL`,
      );
      const wrong = r.rows.filter((row) => row.valid !== ok.has(row.val)).map((row) => JSON.stringify(row.val));
      expect(wrong, `${type}: predicate disagrees with the input function on`).toEqual([]);
      // And the count and examples preflight reports (NULL is never counted).
      const check: Check = {
        kind: 'cast',
        migration: '0002_x',
        table: { sql: 'src', name: 'src', schema: null },
        constraint: `src.val TYPE ${type}`,
        value: 'val',
        type,
        byPredicate: true,
      };
      const counted = await db.client.query<{ n: string; examples: string[] }>(
        checksSelect([{ index: 0, check, pk: ['id'] }]),
      );
      expect(Number(counted.rows[0].n), type).toBe(samples.filter((s) => !ok.has(s)).length);
    }
  });

  it('has no predicate for other targets (they stay listed as not checked)', () => {
    for (const type of ['date', 'timestamptz', 'json', 'integer[]', 'varchar(3)[]', 'my_domain', 'int(4)', 'text(3)']) {
      expect(castValidity(type), type).toBeNull();
    }
  });
});

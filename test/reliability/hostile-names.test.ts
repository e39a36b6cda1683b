import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevDatabase, openDevDatabase } from '../../src/devdb/dev-database.js';
import { diff } from '../../src/diff/diff.js';
import { column, emptyModel, enumType, index, model, sequence, table } from '../../src/model/build.js';
import type { Model } from '../../src/model/types.js';
import { plan } from '../../src/plan/plan.js';
import { ident } from '../../src/plan/quote.js';
import { converge } from '../support/convergence.js';
import { serverUrl, type TestDatabase, testDatabase } from '../support/db.js';

/** Names that break SQL if pasted instead of quoted. */
const HOSTILE = [
  'order',
  'Mixed Case',
  'quote"inside',
  "apostrophe's",
  'back\\slash',
  'dollar$$sign',
  'semi;colon --',
  'naïve ünïcödé',
  '"; DROP SCHEMA public CASCADE; --',
];

function hostileModel(): Model {
  return model({
    enums: [enumType('status "x"', ["it's", 'back\\slash', '$$ body $$', 'naïve'], "comment with 'quotes' and \\")],
    sequences: [sequence('seq; DROP', { comment: '$$ ; $$' })],
    tables: HOSTILE.map((name, i) =>
      table(
        name,
        [
          column('id', 'bigint', { identity: 'always' }),
          column(HOSTILE[(i + 1) % HOSTILE.length], 'text', { default: "'it''s \\ $$ ;'::text", comment: HOSTILE[i] }),
          column('state', '"status ""x"""', { nullable: true }),
        ],
        {
          primaryKey: { name: `${name} pk`.slice(0, 60), columns: ['id'] },
          checks: [
            {
              kind: 'check',
              name: `${name} check`.slice(0, 60),
              expression: `length(${ident(HOSTILE[(i + 1) % HOSTILE.length])}) < 100`,
            },
          ],
          indexes: [index(`${name} idx`.slice(0, 60), [HOSTILE[(i + 1) % HOSTILE.length]])],
          comment: `table ${name}`,
        },
      ),
    ),
  });
}

describe('identifiers and literals that need quoting', () => {
  let db: TestDatabase;
  let dev: DevDatabase;
  beforeAll(async () => {
    db = await testDatabase();
    dev = await openDevDatabase(serverUrl());
  });
  afterAll(async () => dev.close());

  it('round-trip through Postgres for every kind: create, re-plan empty, drop', async () => {
    const result = await converge(
      db.client,
      dev,
      { shared: emptyModel(), tenant: emptyModel() },
      { shared: emptyModel(), tenant: hostileModel() },
      'hostile',
    );
    const names = result.to.tenant.tables.map((t) => t.name).sort();
    expect(names).toEqual([...HOSTILE].sort());
    // The injection attempt is a table name, and the public schema survived it.
    const survived = await db.client.query(`SELECT 1 FROM pg_namespace WHERE nspname = 'public'`);
    expect(survived.rowCount).toBe(1);
  });

  it('never pastes a name unquoted: every statement parses with each name replaced by a plain one', () => {
    const p = plan(diff(emptyModel(), hostileModel()), { scope: 'tenant', sharedSchema: 'public', serverMajor: 17 });
    for (const s of [...p.up, ...p.down]) {
      // Remove quoted identifiers and string literals; what is left must hold no fragment of a hostile name.
      const bare = s.sql.replace(/"(?:[^"]|"")*"/g, 'X').replace(/E?'(?:[^'\\]|''|\\.)*'/g, 'L');
      for (const name of HOSTILE.filter((n) => n !== 'order')) expect(bare, `${name} in ${s.sql}`).not.toContain(name);
      expect(bare).not.toMatch(/DROP SCHEMA/);
    }
  });
});

import { beforeAll, expect, it } from 'vitest';
import { inspectSchema } from '../../src/inspect/index.js';
import { index, indexElement } from '../../src/model/build.js';
import { testDatabase } from '../support/db.js';

const { client } = await testDatabase();
const options = { sharedSchema: 'shared' };

beforeAll(async () => {
  await client.query(`
    CREATE SCHEMA shared;
    CREATE EXTENSION pg_trgm SCHEMA shared;
    CREATE SCHEMA idx;
    CREATE TABLE idx.users (
      id integer PRIMARY KEY,
      email varchar(200) NOT NULL,
      name text,
      code varchar(10) UNIQUE,
      tags text[],
      data jsonb,
      deleted_at timestamptz,
      score integer,
      "Name" text COLLATE "C"
    );
    CREATE UNIQUE INDEX users_email_key ON idx.users (lower(email)) WHERE deleted_at IS NULL;
    CREATE INDEX users_score_idx ON idx.users (score DESC NULLS LAST, id);
    CREATE INDEX users_score_desc ON idx.users (score DESC, id ASC NULLS FIRST);
    CREATE INDEX users_code_pattern ON idx.users (code varchar_pattern_ops);
    CREATE INDEX users_name_pattern ON idx.users (name text_pattern_ops);
    CREATE INDEX users_name_include ON idx.users (name) INCLUDE (email, score);
    CREATE INDEX users_tags_gin ON idx.users USING gin (tags);
    CREATE INDEX users_data_gin ON idx.users USING gin (data jsonb_path_ops);
    CREATE INDEX users_name_trgm ON idx.users USING gin (name shared.gin_trgm_ops);
    CREATE INDEX users_name_posix ON idx.users (name COLLATE "POSIX");
    CREATE INDEX "users Name" ON idx.users ("Name" COLLATE "C");
    CREATE INDEX "Users sum" ON idx.users ((score + id));
    CREATE INDEX users_email_hash ON idx.users USING hash (email);
  `);
});

it('reads every index that does not back a constraint', async () => {
  const model = await inspectSchema(client, 'idx', options);
  const expression = (text: string) => ({ ...indexElement('x'), column: null, expression: text });
  expect(model.tables[0].indexes).toEqual([
    // Not a bare function call, so Postgres adds a pair of parentheses.
    index('Users sum', [], { elements: [expression('((score + id))')] }),
    // Same collation as the column: nothing to say.
    index('users Name', ['Name']),
    index('users_code_pattern', [], { elements: [indexElement('code', { opclass: 'varchar_pattern_ops' })] }),
    // jsonb_path_ops is not jsonb's default gin opclass; array_ops is text[]'s.
    index('users_data_gin', [], { method: 'gin', elements: [indexElement('data', { opclass: 'jsonb_path_ops' })] }),
    index('users_email_hash', ['email'], { method: 'hash' }),
    index('users_email_key', [], {
      unique: true,
      elements: [expression('lower((email)::text)')],
      where: '(deleted_at IS NULL)',
    }),
    index('users_name_include', ['name'], { include: ['email', 'score'] }),
    index('users_name_pattern', [], { elements: [indexElement('name', { opclass: 'text_pattern_ops' })] }),
    index('users_name_posix', [], { elements: [indexElement('name', { collation: 'POSIX' })] }),
    // An opclass of the shared schema, by its bare name.
    index('users_name_trgm', [], { method: 'gin', elements: [indexElement('name', { opclass: 'gin_trgm_ops' })] }),
    // DESC defaults to NULLS FIRST; the model says it either way.
    index('users_score_desc', [], {
      elements: [indexElement('score', { order: 'desc', nulls: 'first' }), indexElement('id', { nulls: 'first' })],
    }),
    index('users_score_idx', [], { elements: [indexElement('score', { order: 'desc' }), indexElement('id')] }),
    index('users_tags_gin', ['tags'], { method: 'gin' }),
  ]);
  expect(model.tables[0].primaryKey).toEqual({ name: 'users_pkey', columns: ['id'] });
  expect(model.tables[0].uniques.map((u) => u.name)).toEqual(['users_code_key']);
});

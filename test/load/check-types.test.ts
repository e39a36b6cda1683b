import type pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { unknownTypes } from '../../src/load/index.js';
import { testDatabase } from '../support/db.js';
import { at, load } from './project.js';

describe('unknownTypes (on a real Postgres)', () => {
  let client: pg.Client;
  beforeAll(async () => {
    client = (await testDatabase()).client;
  });

  it('reports each column with an unknown or invalid type at the type, with a hint', async () => {
    const shared = `extensions: [citext]
enums:
  plan: [free, paid]
tables:
  users:
    columns:
      id: { type: bigserial }
      email: { type: public.citext }
      plan: { type: plan }
      mood: { type: mood }
`;
    const tenant = `enums:
  mood: [good, bad]
tables:
  t:
    columns:
      a: { type: integr }
      b: { type: "varchar(" }
      c: { type: "timestamp with time zone" }
      d: { type: "mood[]" }
      e: { type: plan }
      f: { type: numeric(10,2) }
      g: { type: frobnicator }
      h: { type: users }
      i: { type: integr }
`;
    const loaded = await load({ 'schema/shared/a.yaml': shared, 'schema/tenant/b.yaml': tenant });
    const problems = await unknownTypes(loaded, client, loaded.sources);
    const line = (d: { file: string; line: number; col: number }) =>
      `${d.file.replace(/^.*\/schema\//, '')}:${d.line}:${d.col}`;
    expect(problems.map((d) => [line(d), d.message, d.hint])).toEqual([
      [
        `shared/a.yaml:${at(shared, 'mood }')}`,
        'column users.mood has an unknown type "mood"',
        'mood is an enum of the tenant scope; a shared table cannot use it (move the enum to a shared file)',
      ],
      [`tenant/b.yaml:${at(tenant, 'integr }')}`, 'column t.a has an unknown type "integr"', 'did you mean integer?'],
      [
        `tenant/b.yaml:${at(tenant, '"varchar("')}`,
        expect.stringMatching(/^column t\.b has an invalid type "varchar\(" \(syntax error/),
        'did you mean varchar?',
      ],
      [
        `tenant/b.yaml:${at(tenant, 'frobnicator')}`,
        'column t.g has an unknown type "frobnicator"',
        'declare it under enums, or add the extension that provides it under extensions',
      ],
      [
        `tenant/b.yaml:${at(tenant, 'integr }', 1)}`,
        'column t.i has an unknown type "integr"',
        'did you mean integer?',
      ],
    ]);
    expect(problems[0].pointer).toBe('/tables/users/columns/mood/type');
  });

  it('says when a shared table uses an enum of the tenant scope', async () => {
    const loaded = await load({
      'schema/shared/a.yaml': 'tables:\n  s:\n    columns: { status: { type: booking_status } }\n',
      'schema/tenant/b.yaml': 'enums:\n  booking_status: [a, b]\n',
    });
    const [problem] = await unknownTypes(loaded, client, loaded.sources);
    expect(problem.hint).toMatch(/booking_status is an enum of the tenant scope/);
  });

  it('an extension that cannot be created is a diagnostic at its entry', async () => {
    const text = 'extensions: [citext, no_such_extension]\n';
    const loaded = await load({ 'schema/shared/a.yaml': text });
    const problems = await unknownTypes(loaded, client, loaded.sources);
    expect(problems).toHaveLength(1);
    expect(`${problems[0].line}:${problems[0].col}`).toBe(at(text, 'no_such_extension'));
    expect(problems[0].message).toMatch(/^extension no_such_extension cannot be created: /);
  });

  it('leaves nothing behind and the connection usable', async () => {
    const loaded = await load({
      'schema/tenant/a.yaml': 'enums:\n  e: [x]\ntables:\n  t:\n    columns: { a: { type: e } }\n',
    });
    expect(await unknownTypes(loaded, client, loaded.sources)).toEqual([]);
    const { rows } = await client.query(
      "SELECT count(*)::int AS n FROM pg_namespace WHERE nspname LIKE 'pgfleet_types_%'",
    );
    expect(rows[0].n).toBe(0);
    expect((await client.query('SELECT 1 AS one')).rows[0].one).toBe(1);
  });
});

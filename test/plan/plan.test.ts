import { describe, expect, it } from 'vitest';
import { diff } from '../../src/diff/diff.js';
import { column, emptyModel, enumType, index, model, table } from '../../src/model/build.js';
import { plan } from '../../src/plan/plan.js';

const options = { scope: 'tenant' as const, sharedSchema: 'public', serverMajor: 17 };
const sqlOf = (p: ReturnType<typeof plan>, dir: 'up' | 'down' = 'up') => p[dir].map((s) => s.sql);

describe('plan', () => {
  it('creates enums before the tables that use them and FKs after their targets, and reverses in the opposite order', () => {
    const to = model({
      enums: [enumType('status', ['new', 'done'])],
      tables: [
        table(
          'tasks',
          [
            column('id', 'bigint', { identity: 'always' }),
            column('owner_id', 'bigint'),
            column('status', 'status', { default: "'new'::status" }),
          ],
          {
            primaryKey: { name: 'tasks_pkey', columns: ['id'] },
            foreignKeys: [
              {
                kind: 'foreignKey',
                name: 'tasks_owner_id_fkey',
                columns: ['owner_id'],
                refTable: 'shared.users',
                refColumns: ['id'],
                onDelete: 'cascade',
                onUpdate: 'no action',
                deferrable: 'deferrable initially deferred',
              },
            ],
            indexes: [index('tasks_status_idx', ['status'], { where: "(status = 'new'::status)" })],
          },
        ),
      ],
    });
    const p = plan(diff(emptyModel(), to), options);
    expect(sqlOf(p)).toEqual([
      "CREATE TYPE status AS ENUM ('new', 'done')",
      "CREATE TABLE tasks (\n  id bigint GENERATED ALWAYS AS IDENTITY NOT NULL,\n  owner_id bigint NOT NULL,\n  status status DEFAULT 'new'::status NOT NULL,\n  CONSTRAINT tasks_pkey PRIMARY KEY (id)\n)",
      "CREATE INDEX tasks_status_idx ON tasks (status) WHERE (status = 'new'::status)",
      'ALTER TABLE tasks ADD CONSTRAINT tasks_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES public.users (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED',
    ]);
    expect(sqlOf(p, 'down')).toEqual([
      'ALTER TABLE tasks DROP CONSTRAINT tasks_owner_id_fkey',
      'DROP INDEX tasks_status_idx',
      'DROP TABLE tasks',
      'DROP TYPE status',
    ]);
  });

  it('quotes every identifier that needs it', () => {
    const to = model({
      tables: [table('order', [column('user', 'text'), column('Mixed Case', 'integer', { comment: "it's" })])],
    });
    expect(sqlOf(plan(diff(emptyModel(), to), options))).toEqual([
      'CREATE TABLE "order" (\n  "user" text NOT NULL,\n  "Mixed Case" integer NOT NULL\n)',
      `COMMENT ON COLUMN "order"."Mixed Case" IS 'it''s'`,
    ]);
  });

  it('backfills before SET NOT NULL and marks the hazard', () => {
    const from = model({ tables: [table('t', [column('c', 'text', { nullable: true })])] });
    const to = model({ tables: [table('t', [column('c', 'text', { hints: { backfill: "''" } })])] });
    const p = plan(diff(from, to), options);
    expect(sqlOf(p)).toEqual([`UPDATE t SET c = '' WHERE c IS NULL`, 'ALTER TABLE t ALTER COLUMN c SET NOT NULL']);
    expect(sqlOf(p, 'down')).toEqual(['ALTER TABLE t ALTER COLUMN c DROP NOT NULL']);
    expect(p.hazards.map((h) => h.kind)).toEqual(['blocks_writes']);
    expect(p.changes[0].downCaveat).toMatch(/backfilled/);
  });

  it('uses USING for a type change and a plain cast back', () => {
    const from = model({ tables: [table('t', [column('n', 'text')])] });
    const to = model({ tables: [table('t', [column('n', 'integer', { hints: { using: 'n::integer' } })])] });
    const p = plan(diff(from, to), options);
    expect(sqlOf(p)).toEqual(['ALTER TABLE t ALTER COLUMN n TYPE integer USING n::integer']);
    expect(sqlOf(p, 'down')).toEqual(['ALTER TABLE t ALTER COLUMN n TYPE text USING n::text']);
    expect(p.hazards.map((h) => h.kind)).toContain('rewrites_table');
  });

  it('builds a concurrent index in its own non-transactional step', () => {
    const t = table('t', [column('a', 'integer')]);
    const p = plan(
      diff(
        model({ tables: [t] }),
        model({ tables: [{ ...t, indexes: [index('t_a_idx', ['a'], { concurrently: true })] }] }),
      ),
      options,
    );
    expect(p.up).toEqual([{ sql: 'CREATE INDEX CONCURRENTLY t_a_idx ON t (a)', transactional: false }]);
    expect(p.down).toEqual([{ sql: 'DROP INDEX CONCURRENTLY t_a_idx', transactional: false }]);
  });

  it('marks drops as deleting data, with a caveat on the reverse', () => {
    const t = table('t', [column('a', 'integer'), column('b', 'integer')]);
    const p = plan(diff(model({ tables: [t] }), model({ tables: [{ ...t, columns: [t.columns[0]] }] })), options);
    expect(sqlOf(p)).toEqual(['ALTER TABLE t DROP COLUMN b']);
    expect(sqlOf(p, 'down')).toEqual(['ALTER TABLE t ADD COLUMN b integer NOT NULL']);
    expect(p.hazards).toEqual([{ kind: 'deletes_data', object: 't.b', message: 'drops column t.b and its data' }]);
    expect(p.changes[0].downCaveat).toMatch(/without its data/);
  });

  it('is deterministic', () => {
    const to = model({ tables: [table('b', [column('x', 'int')]), table('a', [column('y', 'int')])] });
    const one = sqlOf(plan(diff(emptyModel(), to), options));
    expect(one).toEqual(sqlOf(plan(diff(emptyModel(), { ...to, tables: [...to.tables].reverse() }), options)));
    expect(one[0]).toMatch(/^CREATE TABLE a/);
  });

  it('throws on an unknown change kind instead of rendering nothing', () => {
    expect(() => plan([{ kind: 'bogus' } as never], options)).toThrow(/bogus/);
  });
});

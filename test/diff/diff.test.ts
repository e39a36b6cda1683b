import { describe, expect, it } from 'vitest';
import { diff } from '../../src/diff/diff.js';
import { column, enumType, index, model, table } from '../../src/model/build.js';
import type { Change } from '../../src/model/changes.js';

const kinds = (changes: Change[]) => changes.map((c) => c.kind);

const users = table('users', [column('id', 'bigint'), column('email', 'text')], {
  primaryKey: { name: 'users_pkey', columns: ['id'] },
});

describe('diff', () => {
  it('finds nothing between equal models', () => {
    const m = model({ tables: [users], enums: [enumType('status', ['a', 'b'])] });
    expect(diff(m, m)).toEqual([]);
  });

  it('creates a table with its indexes and foreign keys as separate changes', () => {
    const t = table('posts', [column('id', 'bigint'), column('user_id', 'bigint')], {
      foreignKeys: [
        {
          kind: 'foreignKey',
          name: 'posts_user_id_fkey',
          columns: ['user_id'],
          refTable: 'users',
          refColumns: ['id'],
          onDelete: 'cascade',
          onUpdate: 'no action',
          deferrable: 'not deferrable',
        },
      ],
      indexes: [index('posts_user_idx', ['user_id'])],
    });
    expect(kinds(diff(model({ tables: [users] }), model({ tables: [users, t] })))).toEqual([
      'create_table',
      'create_index',
      'add_constraint',
    ]);
  });

  it('renames a column named in renamedFrom instead of dropping it', () => {
    const to = table('users', [column('id', 'bigint'), column('mail', 'text', { hints: { renamedFrom: 'email' } })], {
      primaryKey: users.primaryKey,
    });
    expect(diff(model({ tables: [users] }), model({ tables: [to] }))).toEqual([
      { kind: 'rename_column', table: 'users', from: 'email', to: 'mail' },
    ]);
  });

  it('renames a table named in renamedFrom, and its default-named primary key with it', () => {
    const to = {
      ...users,
      name: 'accounts',
      primaryKey: { name: 'accounts_pkey', columns: ['id'] },
      hints: { renamedFrom: 'users' },
    };
    expect(diff(model({ tables: [users] }), model({ tables: [to] }))).toEqual([
      { kind: 'rename_table', from: 'users', to: 'accounts' },
      { kind: 'rename_constraint', table: 'accounts', from: 'users_pkey', to: 'accounts_pkey' },
    ]);
  });

  it('renames an index whose definition is unchanged', () => {
    const a = { ...users, indexes: [index('old_idx', ['email'])] };
    const b = { ...users, indexes: [index('new_idx', ['email'])] };
    expect(diff(model({ tables: [a] }), model({ tables: [b] }))).toEqual([
      { kind: 'rename_index', table: 'users', from: 'old_idx', to: 'new_idx' },
    ]);
  });

  it('adds enum values in place and recreates the type for removals or reorders', () => {
    const t = table('t', [column('s', 'status')]);
    const from = model({ enums: [enumType('status', ['a', 'c'])], tables: [t] });
    expect(kinds(diff(from, model({ enums: [enumType('status', ['a', 'b', 'c'])], tables: [t] })))).toEqual([
      'add_enum_values',
    ]);
    const recreate = diff(from, model({ enums: [enumType('status', ['c', 'a'])], tables: [t] }));
    expect(recreate).toEqual([
      {
        kind: 'recreate_enum',
        from: enumType('status', ['a', 'c']),
        to: enumType('status', ['c', 'a']),
        usages: [{ table: 't', column: 's', array: false, default: null }],
      },
    ]);
  });

  it('alters a changed column once, with both versions', () => {
    const to = {
      ...users,
      columns: [users.columns[0], column('email', 'text', { nullable: true, default: "''::text" })],
    };
    const changes = diff(model({ tables: [users] }), model({ tables: [to] }));
    expect(changes).toEqual([{ kind: 'alter_column', table: 'users', from: users.columns[1], to: to.columns[1] }]);
  });

  it('drops a table after dropping its foreign keys', () => {
    const t = table('posts', [column('user_id', 'bigint')], {
      foreignKeys: [
        {
          kind: 'foreignKey',
          name: 'fk',
          columns: ['user_id'],
          refTable: 'users',
          refColumns: ['id'],
          onDelete: 'no action',
          onUpdate: 'no action',
          deferrable: 'not deferrable',
        },
      ],
    });
    expect(kinds(diff(model({ tables: [users, t] }), model({ tables: [users] })))).toEqual([
      'drop_constraint',
      'drop_table',
    ]);
  });
});

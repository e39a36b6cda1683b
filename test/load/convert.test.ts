import { describe, expect, it } from 'vitest';
import { column, emptyModel, index, indexElement, sequence, table } from '../../src/model/build.js';
import { load } from './project.js';

const tenant = async (yaml: string) => (await load({ 'schema/tenant/a.yaml': yaml })).tenant;

describe('conversion to Model', () => {
  it('defaults: strings are quoted literals, numbers keep their digits, { sql } is as written', async () => {
    const m = await tenant(`tables:
  t:
    columns:
      empty:   { type: text, default: "" }
      quote:   { type: text, default: it's }
      slash:   { type: text, default: 'a\\b' }
      word:    { type: booking_status, default: pending }
      yes:     { type: boolean, default: true }
      no:      { type: boolean, default: false }
      zero:    { type: integer, default: 0 }
      price:   { type: numeric(10,2), default: 1.50 }
      big:     { type: numeric, default: 9007199254740993 }
      neg:     { type: integer, default: -1 }
      hex:     { type: integer, default: 0x10 }
      none:    { type: text, nullable: true, default: null }
      now:     { type: timestamptz, default: { sql: now() } }
      date:    { type: date, default: 2024-01-31 }
`);
    const defaults = Object.fromEntries(m.tables[0].columns.map((c) => [c.name, c.default]));
    expect(defaults).toEqual({
      empty: "''",
      quote: "'it''s'",
      slash: "E'a\\\\b'",
      word: "'pending'",
      yes: 'true',
      no: 'false',
      zero: '0',
      price: '1.50',
      big: '9007199254740993',
      neg: '-1',
      hex: '16',
      none: null,
      now: 'now()',
      date: "'2024-01-31'",
    });
  });

  it('columns: every key, hints only when present', async () => {
    const m = await tenant(`tables:
  t:
    renamedFrom: old_t
    comment: A table
    columns:
      id:    { type: bigint, identity: by default }
      total: { type: numeric(12,2), generated: { sql: price * 2 }, collation: C, comment: Twice }
      price: { type: int, renamedFrom: cost, using: cost::int, backfill: 0 }
      note:  { type: text, nullable: true, backfill: { sql: "'x' || id" } }
`);
    expect(m.tables).toEqual([
      table(
        't',
        [
          column('id', 'bigint', { identity: 'by default' }),
          column('total', 'numeric(12,2)', { generated: 'price * 2', collation: 'C', comment: 'Twice' }),
          column('price', 'int', { hints: { renamedFrom: 'cost', using: 'cost::int', backfill: '0' } }),
          column('note', 'text', { nullable: true, hints: { backfill: "'x' || id" } }),
        ],
        { comment: 'A table', hints: { renamedFrom: 'old_t' } },
      ),
    ]);
    expect('hints' in m.tables[0].columns[0]).toBe(false);
  });

  it('column shorthands: unique, check and references with their defaults', async () => {
    const m = (
      await load({
        'schema/shared/u.yaml': 'tables:\n  users:\n    columns: { id: { type: bigint } }\n    primaryKey: [id]\n',
        'schema/tenant/a.yaml': `tables:
  parent:
    columns: { id: { type: bigint } }
    primaryKey: [id]
  child:
    columns:
      id: { type: bigint }
      email: { type: text, unique: true, check: email <> '' }
      a: { type: bigint, references: { table: parent } }
      b:
        type: bigint
        references: { table: parent, column: id, onDelete: CASCADE, onUpdate: set null, deferrable: true, name: child_b_fk }
      c: { type: bigint, references: { table: parent, deferrable: initially deferred } }
      d: { type: bigint, references: { table: parent, deferrable: false } }
      u: { type: bigint, references: { table: shared.users } }
`,
      })
    ).tenant;
    const child = m.tables.find((t) => t.name === 'child')!;
    expect(child.uniques).toEqual([{ kind: 'unique', name: null, columns: ['email'], deferrable: 'not deferrable' }]);
    expect(child.checks).toEqual([{ kind: 'check', name: null, expression: "email <> ''" }]);
    const fk = (refTable: string, columns: string[], more: object = {}) => ({
      kind: 'foreignKey',
      name: null,
      columns,
      refTable,
      refColumns: ['id'],
      onDelete: 'no action',
      onUpdate: 'no action',
      deferrable: 'not deferrable',
      ...more,
    });
    // Sorted by name, unnamed ones after in the order written.
    expect(child.foreignKeys).toEqual([
      fk('parent', ['b'], {
        name: 'child_b_fk',
        onDelete: 'cascade',
        onUpdate: 'set null',
        deferrable: 'deferrable initially immediate',
      }),
      fk('parent', ['a']),
      fk('parent', ['c'], { deferrable: 'deferrable initially deferred' }),
      fk('parent', ['d']),
      fk('shared.users', ['u']),
    ]);
  });

  it('table keys: primary key, unique, checks, foreign keys, indexes (sorted by name)', async () => {
    const m = await tenant(`tables:
  p:
    columns: { a: { type: int }, b: { type: int } }
    primaryKey: { name: p_key, columns: [a, b] }
  t:
    columns:
      id: { type: int }
      a: { type: int }
      b: { type: int }
      email: { type: text }
    primaryKey: [id]
    unique:
      t_z_key: [a]
      t_ab_key: { columns: [a, b], deferrable: initially deferred }
    checks:
      t_b_check: b > 0
      t_a_check: a > 0
    foreignKeys:
      t_p_fkey: { columns: [a, b], references: { table: p }, onDelete: restrict }
    indexes:
      t_z_idx: { columns: [a] }
      t_email_idx:
        columns:
          - { expression: lower(email), opclass: text_pattern_ops }
          - { column: b, order: desc }
          - { column: a, order: desc, nulls: last, collation: C }
        unique: true
        method: BTREE
        where: email IS NOT NULL
        include: [id]
        concurrently: true
`);
    const t = m.tables.find((x) => x.name === 't')!;
    expect(m.tables.map((x) => x.name)).toEqual(['p', 't']);
    expect(m.tables[0].primaryKey).toEqual({ name: 'p_key', columns: ['a', 'b'] });
    expect(t.primaryKey).toEqual({ name: null, columns: ['id'] });
    expect(t.uniques.map((u) => [u.name, u.columns, u.deferrable])).toEqual([
      ['t_ab_key', ['a', 'b'], 'deferrable initially deferred'],
      ['t_z_key', ['a'], 'not deferrable'],
    ]);
    expect(t.checks.map((c) => c.name)).toEqual(['t_a_check', 't_b_check']);
    expect(t.foreignKeys).toEqual([
      {
        kind: 'foreignKey',
        name: 't_p_fkey',
        columns: ['a', 'b'],
        refTable: 'p',
        refColumns: ['a', 'b'],
        onDelete: 'restrict',
        onUpdate: 'no action',
        deferrable: 'not deferrable',
      },
    ]);
    expect(t.indexes).toEqual([
      index('t_email_idx', [], {
        unique: true,
        method: 'btree',
        elements: [
          indexElement('', { column: null, expression: 'lower(email)', opclass: 'text_pattern_ops' }),
          // DESC sorts NULLs first unless told otherwise, as in Postgres.
          indexElement('b', { order: 'desc', nulls: 'first' }),
          indexElement('a', { order: 'desc', nulls: 'last', collation: 'C' }),
        ],
        include: ['id'],
        where: 'email IS NOT NULL',
        concurrently: true,
      }),
      index('t_z_idx', ['a']),
    ]);
    expect('concurrently' in t.indexes[1]).toBe(false);
  });

  it('SQL with commas inside a { } map is read whole, as the model format writes it', async () => {
    const m = await tenant(`tables:
  t:
    columns:
      price: { type: numeric(10,2), check: price BETWEEN 0 AND 10 }
      at:    { type: timestamptz, default: { sql: date_trunc('day', now()) } }
    indexes:
      t_idx: { columns: [{ expression: coalesce(price, 0) }] }
`);
    const t = m.tables[0];
    expect(t.columns.map((c) => [c.type, c.default])).toEqual([
      ['numeric(10,2)', null],
      ['timestamptz', "date_trunc('day', now())"],
    ]);
    expect(t.indexes[0].elements[0].expression).toBe('coalesce(price, 0)');
  });

  it('enums and sequences, with Postgres defaults for the sequence type and direction', async () => {
    const m = await tenant(`enums:
  status: [b, a]
  mood: { values: [happy, sad], comment: How it went }
sequences:
  s_default: {}
  s_int: { type: int4, start: 100, cache: 10, cycle: true, comment: Invoices }
  s_down: { type: smallint, increment: -1 }
  s_big: { max: "9223372036854775806", min: 5 }
`);
    expect(m.enums).toEqual([
      { kind: 'enum', name: 'mood', values: ['happy', 'sad'], comment: 'How it went' },
      { kind: 'enum', name: 'status', values: ['b', 'a'], comment: null },
    ]);
    expect(m.sequences).toEqual([
      sequence('s_big', { min: '5', start: '5', max: '9223372036854775806' }),
      sequence('s_default'),
      sequence('s_down', { type: 'smallint', increment: '-1', min: '-32768', max: '-1', start: '-1' }),
      sequence('s_int', {
        type: 'integer',
        start: '100',
        max: '2147483647',
        cache: '10',
        cycle: true,
        comment: 'Invoices',
      }),
    ]);
  });

  it('bad sequence options are reported', async () => {
    const problems = await load({
      'schema/tenant/a.yaml': 'sequences:\n  s: { type: smallint, increment: 0, max: 40000, start: 0 }\n',
    }).catch((e: { diagnostics: { message: string }[] }) => e.diagnostics.map((d) => d.message));
    expect(problems).toEqual([
      '`increment` of sequence s cannot be 0',
      '`max` of sequence s is out of range for smallint (-32768 .. 32767)',
      'sequence s: start (0) must be between min (1) and max (40000)',
    ]);
  });

  it('scope: both puts the objects into both models; shared.x means the local table in the shared one', async () => {
    const loaded = await load({
      'schema/shared/users.yaml': 'tables:\n  users:\n    columns: { id: { type: bigint } }\n    primaryKey: [id]\n',
      'schema/tenant/audit.yaml': `scope: both
enums:
  action: [insert, delete]
tables:
  audit_log:
    columns:
      id: { type: bigint, identity: always }
      action: { type: action }
      user_id: { type: bigint, references: { table: shared.users } }
    primaryKey: [id]
`,
      'schema/tenant/extra.yaml': 'scope: shared\ntables:\n  extra:\n    columns: { id: { type: int } }\n',
    });
    expect(loaded.shared.tables.map((t) => t.name)).toEqual(['audit_log', 'extra', 'users']);
    expect(loaded.tenant.tables.map((t) => t.name)).toEqual(['audit_log']);
    expect(loaded.shared.enums.map((e) => e.name)).toEqual(['action']);
    expect(loaded.tenant.enums.map((e) => e.name)).toEqual(['action']);
    const refOf = (m: typeof loaded.shared) => m.tables.find((t) => t.name === 'audit_log')!.foreignKeys[0].refTable;
    expect(refOf(loaded.shared)).toBe('users');
    expect(refOf(loaded.tenant)).toBe('shared.users');
    expect(loaded.sources.find('shared', ['tables', 'audit_log'])?.file).toMatch(/tenant\/audit\.yaml$/);
    expect(loaded.sources.find('tenant', ['tables', 'audit_log', 'columns', 'action', 'type'])).toMatchObject({
      line: 8,
      col: 23, // the type as written: `action: { type: action }`
    });
    expect(loaded.sources.find('tenant', ['tables', 'extra'])).toBeUndefined();
  });

  it('empty files and files with only comments declare nothing', async () => {
    const loaded = await load({ 'schema/shared/empty.yaml': '', 'schema/tenant/c.yml': '# nothing yet\n' });
    expect(loaded.shared).toEqual(emptyModel());
    expect(loaded.tenant).toEqual(emptyModel());
  });

  it('anchors and aliases reuse definitions', async () => {
    const m = await tenant(`tables:
  t:
    columns:
      created_at: &stamp { type: timestamptz, default: { sql: now() } }
      updated_at: *stamp
`);
    expect(m.tables[0].columns.map((c) => [c.name, c.default])).toEqual([
      ['created_at', 'now()'],
      ['updated_at', 'now()'],
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import type { Change } from '../../src/model/changes.js';
import { SECTION_OF, touchedObject } from '../../src/model/touched-object.js';

// Which object a change touches, which order, migration summaries and drift reports all name: no database.

const column = { name: 'seats', type: 'integer' } as unknown as Extract<Change, { kind: 'add_column' }>['column'];

describe('the object a change touches', () => {
  it('names a part of a table with its table, and the model holds it in the table', () => {
    const o = touchedObject({ kind: 'add_column', table: 'bookings', column });
    expect(o).toEqual({ kind: 'column', name: 'seats', table: 'bookings' });
    expect(SECTION_OF[o.kind]).toBe('tables');
    expect(
      touchedObject({
        kind: 'set_row_security',
        table: 'b',
        from: { enabled: false, forced: false },
        to: { enabled: true, forced: false },
      }),
    ).toEqual({ kind: 'row level security', name: null, table: 'b' });
  });

  it('names a renamed object by the name it had', () => {
    expect(touchedObject({ kind: 'rename_table', from: 'old', to: 'new' })).toEqual({
      kind: 'table',
      name: 'old',
      table: null,
    });
    expect(touchedObject({ kind: 'rename_index', table: 't', from: 'i1', to: 'i2' })).toEqual({
      kind: 'index',
      name: 'i1',
      table: 't',
    });
  });

  it('is the object granted on or commented on, not the grant or the comment', () => {
    const grant = touchedObject({
      kind: 'grant',
      on: { kind: 'materialized view', name: 'mv' },
      role: 'r',
      privileges: ['SELECT'],
    });
    expect(grant).toEqual({ kind: 'materialized view', name: 'mv', table: null });
    expect(SECTION_OF[grant.kind]).toBe('views');
    expect(
      touchedObject({ kind: 'set_comment', target: { kind: 'trigger', name: 'trg', on: 't' }, from: null, to: 'x' }),
    ).toEqual({ kind: 'trigger', name: 'trg', table: 't' });
    expect(
      touchedObject({ kind: 'set_text_object_comment', target: { kind: 'collation', name: 'c' }, from: null, to: 'x' }),
    ).toEqual({ kind: 'collation', name: 'c', table: null });
  });

  it('throws on a change kind it does not know', () => {
    expect(() => touchedObject({ kind: 'drop_galaxy' } as unknown as Change)).toThrow(/drop_galaxy/);
  });
});

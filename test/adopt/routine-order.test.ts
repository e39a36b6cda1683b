import { describe, expect, it } from 'vitest';
import { diff } from '../../src/diff/diff.js';
import { column, emptyModel, table } from '../../src/model/build.js';
import type { Change } from '../../src/model/changes.js';
import type { Routine } from '../../src/model/types.js';
import { orderChanges } from '../../src/plan/order.js';

const routine = (name: string, definition: string): Routine => ({
  kind: 'function',
  name,
  definition,
  comment: null,
  grants: [],
});

describe('routines in dependency order', () => {
  it('an aggregate after its state function; a routine returning a table row after the table', () => {
    const model = {
      ...emptyModel(),
      tables: [table('language', [column('id', 'integer')]), table('customer', [column('id', 'integer')])],
      functions: [
        routine(
          'group_concat(text)',
          'CREATE OR REPLACE AGGREGATE group_concat(text) (SFUNC = _group_concat, STYPE = text)',
        ),
        // LANGUAGE names no table, though pagila has one called language.
        routine(
          '_group_concat(text,text)',
          'CREATE OR REPLACE FUNCTION _group_concat(text, text)\n RETURNS text\n LANGUAGE sql\nAS $f$ SELECT $1 $f$',
        ),
        routine(
          'rewards()',
          'CREATE OR REPLACE FUNCTION rewards()\n RETURNS SETOF customer\n LANGUAGE sql\nAS $f$ SELECT * FROM customer $f$',
        ),
      ],
    };
    const order = orderChanges(diff(emptyModel(), model)).map((c: Change) =>
      c.kind === 'create_function'
        ? `fn ${c.routine.name}`
        : c.kind === 'create_table'
          ? `table ${c.table.name}`
          : c.kind,
    );
    expect(order).toEqual([
      'fn _group_concat(text,text)',
      'fn group_concat(text)',
      'table customer',
      'table language',
      'fn rewards()',
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { qualifiedNames, unqualifyOwnSchema } from '../../src/inspect/own-schema-references.js';
import { column, DEFAULT_ROUTINE_GRANTS, index, model, table } from '../../src/model/build.js';
import type { Routine } from '../../src/model/types.js';

const routine = (name: string, definition: string): Routine => ({
  kind: 'function',
  name,
  definition,
  grants: DEFAULT_ROUTINE_GRANTS,
  comment: null,
});

describe('references to a tenant template’s own schema name', () => {
  const m = model({
    tables: [
      table('items', [column('id', 'bigint', { default: 'app.next_id()' }), column('name', 'text')], {
        checks: [{ kind: 'check', name: 'not_blank', expression: `("APP".trim_name(name) <> ''::text)` }],
        indexes: [
          index('items_key', [], {
            elements: [
              {
                column: null,
                expression: 'app.key_of(name)',
                order: 'asc',
                nulls: 'last',
                opclass: null,
                collation: null,
              },
            ],
          }),
        ],
      }),
    ],
    functions: [
      routine(
        'next_id()',
        "CREATE OR REPLACE FUNCTION next_id() RETURNS bigint LANGUAGE sql AS $$ SELECT nextval('app.ids') $$",
      ),
      routine(
        'trim_name(text)',
        'CREATE OR REPLACE FUNCTION trim_name(v text) RETURNS text LANGUAGE sql AS $$ SELECT app.now_text() || "app".lower(v) $$',
      ),
      routine(
        'key_of(text)',
        'CREATE OR REPLACE FUNCTION key_of(v text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT app.helper(v) $$',
      ),
      routine(
        'pinned()',
        "CREATE OR REPLACE FUNCTION pinned() RETURNS void LANGUAGE sql\n SET search_path TO 'app'\nAS $$ SELECT 1 $$",
      ),
    ],
  });

  it('finds the names they qualify, in any case when the schema name is plain', () => {
    expect([...qualifiedNames(m, 'app')].sort()).toEqual([
      'helper',
      'ids',
      'key_of',
      'lower',
      'next_id',
      'now_text',
      'trim_name',
    ]);
  });

  it('makes them unqualified where that finds the same object, and reports the rest with the place', () => {
    const { model: out, references } = unqualifyOwnSchema(m, 'app', new Set(['lower']));
    expect(out.tables[0].columns[0].default).toBe('next_id()');
    expect(out.tables[0].checks[0].expression).toBe(`(trim_name(name) <> ''::text)`);
    // pg_catalog.lower would be found first: left qualified.
    expect(out.functions[1].definition).toContain('SELECT now_text() || "app".lower(v)');
    expect(out.functions[0].definition).toContain("nextval('ids')");
    // key_of runs while its index is built (search_path pg_catalog, pg_temp on Postgres 17): kept.
    expect(out.functions[2].definition).toContain('SELECT app.helper(v)');
    const kept = references.filter((r) => !r.rewritten).map((r) => `${r.place}: ${r.reference}`);
    expect(kept).toEqual([
      'function trim_name(text): "app".lower',
      'function key_of(text): app.helper',
      'function pinned(): search_path',
    ]);
    expect(references.filter((r) => r.rewritten).map((r) => r.place)).toEqual([
      'table items, column id default',
      'table items, check not_blank',
      'table items, index items_key expression',
      'function next_id()',
      'function trim_name(text)',
    ]);
  });

  it('leaves other schemas, longer names and qualified names of other schemas alone', () => {
    const other = model({
      functions: [
        routine('f()', 'CREATE OR REPLACE FUNCTION f() AS $$ SELECT x.app.t, apps.t, public.app_t, myapp.t $$'),
      ],
    });
    expect([...qualifiedNames(other, 'app')]).toEqual([]);
  });
});

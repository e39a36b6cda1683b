import { describe, expect, it } from 'vitest';
import { diff } from '../../src/diff/diff.js';
import { column, model, table } from '../../src/model/build.js';
import { mentions, readsColumn } from '../../src/model/mentions.js';

describe('mentions: SQL text names an identifier the way Postgres reads it', () => {
  it('folds a bare word to lower case, so any case of it names a lower-case identifier', () => {
    expect(mentions('SELECT * FROM Films', 'films')).toBe(true);
    expect(mentions('SELECT * FROM FILMS f', 'films')).toBe(true);
    expect(mentions('SELECT * FROM "films"', 'films')).toBe(true);
  });

  it('names an identifier with upper case (or one that needs quotes) only quoted, exactly', () => {
    expect(mentions('SELECT * FROM Films', 'Films')).toBe(false);
    expect(mentions('SELECT * FROM "Films"', 'Films')).toBe(true);
    expect(mentions('SELECT * FROM "films"', 'Films')).toBe(false);
    expect(mentions('SELECT "my table".id FROM "my table"', 'my table')).toBe(true);
    expect(mentions('SELECT 1 FROM my table', 'my table')).toBe(false);
  });

  it('matches whole words, qualified or not', () => {
    expect(mentions('SELECT * FROM public.films', 'films')).toBe(true);
    expect(mentions('SELECT f.title FROM films f', 'title')).toBe(true);
    expect(mentions('SELECT * FROM films_archive', 'films')).toBe(false);
    expect(mentions('SELECT * FROM old_films', 'films')).toBe(false);
    expect(mentions('SELECT a$films FROM t', 'films')).toBe(false);
  });
});

describe('readsColumn: a table expression reads a column', () => {
  it('folds bare words like mentions', () => {
    expect(readsColumn('PRICE * 2', 'price')).toBe(true);
    expect(readsColumn('Price * 2', 'Price')).toBe(false);
    expect(readsColumn('"Price" * 2', 'Price')).toBe(true);
    expect(readsColumn(null, 'price')).toBe(false);
  });

  it('does not take a word after a dot (a field or a qualified function) for the column', () => {
    expect(readsColumn('((address).city IS NOT NULL)', 'city')).toBe(false);
    expect(readsColumn("(pg_catalog.lower(name) <> '')", 'lower')).toBe(false);
    expect(readsColumn('(city IS NOT NULL)', 'city')).toBe(true);
  });
});

describe('diff with an expression that writes a column name in upper case', () => {
  // Until diff-table.ts used this matcher, its own one was case-sensitive: `PRICE * 2` did not
  // read `price`, so the plan changed price's type under the generated column, which Postgres
  // refuses ("cannot alter type of a column used by a generated column").
  it('still takes the generation expression off while the column it reads changes type', () => {
    const items = (type: string) =>
      table('items', [column('price', type), column('total', 'bigint', { generated: 'PRICE * 2' })]);
    const changes = diff(model({ tables: [items('integer')] }), model({ tables: [items('bigint')] }));
    expect(
      changes.map((c) => (c.kind === 'alter_column' ? `${c.to.name} ${c.to.generated ?? c.to.type}` : c.kind)),
    ).toEqual(['total bigint', 'price bigint', 'total PRICE * 2']);
  });
});

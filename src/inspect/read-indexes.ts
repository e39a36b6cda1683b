import type pg from 'pg';
import type { Index, IndexElement } from '../model/types.js';
import { groupBy } from './group.js';
import { printedIn } from './printed-in.js';
import { type CatalogScope, extensionMember, inSchema, objectParams, SCHEMAS } from './scope.js';

export interface InspectedIndex {
  readonly schema: string;
  readonly table: string;
  readonly index: Index;
}

/** One row per index column (key or INCLUDE). */
interface Row {
  readonly schema: string;
  readonly table: string;
  readonly name: string;
  readonly unique: boolean;
  readonly valid: boolean;
  readonly method: string;
  readonly where: string | null;
  readonly key: boolean;
  readonly column: string | null;
  readonly expression: string | null;
  readonly descending: boolean | null;
  readonly nulls_first: boolean | null;
  readonly opclass: string | null;
  readonly collation: string | null;
  readonly nulls_not_distinct: boolean;
}

// Quirks of pg_index:
// - indkey, indoption, indclass and indcollation are int2vector/oidvector, which are
//   subscripted from 0, unlike ordinary arrays; pg_get_indexdef numbers columns from 1.
// - indkey[i] = 0 marks an expression column. pg_get_indexdef(oid, i + 1, false) prints it
//   alone (no opclass, order or collation) and, unless it is a bare function call, wraps it
//   in an extra pair of parentheses, as in CREATE INDEX: `lower(email)` but `((a + b))`.
// - indoption, indclass and indcollation have indnkeyatts entries (PG 11+): none for
//   INCLUDE columns, where subscripting gives NULL.
// - indoption bit 0 is DESC, bit 1 NULLS FIRST. Postgres' default for DESC is NULLS FIRST
//   (indoption 3); the model states both explicitly.
// - An operator class (its bare name, which the planner quotes) is reported only when it is not the default of its type
//   (opcdefault), so `text_pattern_ops` shows and `text_ops` does not; on a varchar column
//   the default is text_ops (varchar has no opclass of its own), and varchar_pattern_ops
//   shows.
// - A collation (its bare name, as for columns) is reported when it differs from the
//   column's. An expression has no column, so its collation is compared with the default collation of its type (the index's own
//   pg_attribute row has the expression's type); an expression over a column with a
//   non-default collation therefore reports it, which CREATE INDEX accepts as the same index.
//
// - indnullsnotdistinct (PG 15, the oldest major pgfleet supports) is NULLS NOT DISTINCT.
//
// An index left INVALID by an interrupted CREATE INDEX CONCURRENTLY is reported with
// `invalid: true`, which no model asks for, so the diff rebuilds it.
//
// Indexes that back a primary key, unique or exclusion constraint (conindid) are part of
// the constraint, not indexes of their own. (An FK's conindid names the referenced table's
// index, hence the contype filter; the others are on their own table, which lets Postgres
// find them by index.) A partition's indexes that Postgres made for an index
// of its parent (pg_inherits between indexes) belong to the parent's index.
const SQL = `
SELECT s.nspname AS schema, c.relname::text AS table, ic.relname::text AS name,
       x.indisunique AS unique, x.indnullsnotdistinct AS nulls_not_distinct, x.indisvalid AS valid, am.amname::text AS method,
       pg_get_expr(x.indpred, ${printedIn('x.indrelid')}) AS where,
       k.i < x.indnkeyatts AS key,
       ta.attname::text AS column,
       CASE WHEN x.indkey[k.i] = 0 THEN pg_get_indexdef(${printedIn('x.indexrelid')}, k.i + 1, false) END AS expression,
       (x.indoption[k.i] & 1) <> 0 AS descending,
       (x.indoption[k.i] & 2) <> 0 AS nulls_first,
       CASE WHEN NOT oc.opcdefault THEN oc.opcname::text END AS opclass,
       CASE WHEN x.indcollation[k.i] <> COALESCE(ta.attcollation, it.typcollation) THEN co.collname::text END AS collation
FROM ${SCHEMAS}
JOIN pg_class c ON ${inSchema('c')} AND c.relkind IN ('r', 'p', 'm')
  AND NOT ${extensionMember('pg_class', 'c.oid')}
JOIN pg_index x ON x.indrelid = c.oid
JOIN pg_class ic ON ic.oid = x.indexrelid
JOIN pg_am am ON am.oid = ic.relam
CROSS JOIN LATERAL generate_series(0, x.indnatts - 1) AS k(i)
JOIN pg_attribute ia ON ia.attrelid = x.indexrelid AND ia.attnum = k.i + 1
JOIN pg_type it ON it.oid = ia.atttypid
LEFT JOIN pg_attribute ta ON ta.attrelid = x.indrelid AND ta.attnum = x.indkey[k.i] AND x.indkey[k.i] <> 0
LEFT JOIN pg_opclass oc ON oc.oid = x.indclass[k.i]
LEFT JOIN pg_collation co ON co.oid = x.indcollation[k.i]
WHERE NOT EXISTS (
  SELECT 1 FROM pg_constraint pk
  WHERE pk.conrelid = x.indrelid AND pk.conindid = x.indexrelid AND pk.contype IN ('p', 'u', 'x'))
  AND NOT EXISTS (SELECT 1 FROM pg_inherits pi WHERE pi.inhrelid = x.indexrelid)
ORDER BY s.nspname, c.relname, ic.relname, k.i`;

/** The indexes of every table and materialized view in the scope that do not back a constraint. */
export async function readIndexes(client: pg.ClientBase, scope: CatalogScope): Promise<InspectedIndex[]> {
  const { rows } = await client.query<Row>(SQL, objectParams(scope));
  const byIndex = groupBy(rows, (r) => `${r.schema}\0${r.name}`);
  return [...byIndex.values()].map((columns) => {
    const first = columns[0];
    const index: Index = {
      kind: 'index',
      name: first.name,
      unique: first.unique,
      method: first.method,
      elements: columns.filter((r) => r.key).map(toElement),
      include: columns.filter((r) => !r.key).map((r) => r.column ?? ''),
      where: first.where,
      ...(first.nulls_not_distinct ? { nullsNotDistinct: true } : {}),
      ...(first.valid ? {} : { invalid: true as const }),
    };
    return { schema: first.schema, table: first.table, index };
  });
}

function toElement(r: Row): IndexElement {
  return {
    column: r.column,
    expression: r.expression,
    order: r.descending ? 'desc' : 'asc',
    nulls: r.nulls_first ? 'first' : 'last',
    opclass: r.opclass,
    collation: r.collation,
  };
}

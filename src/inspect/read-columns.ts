import type pg from 'pg';
import type { Column } from '../model/types.js';
import { identity } from './catalog-codes.js';
import { printedIn } from './printed-in.js';
import { type CatalogScope, objectParams, TABLES } from './scope.js';

export interface InspectedColumn {
  readonly schema: string;
  readonly table: string;
  readonly column: Column;
  /** The sequence folded into this column's `serial` type, which the model does not list. */
  readonly serialSequence: string | null;
}

interface Row {
  readonly schema: string;
  readonly table: string;
  readonly name: string;
  readonly type: string;
  readonly nullable: boolean;
  readonly identity: string;
  readonly generated: string;
  readonly expression: string | null;
  readonly collation: string | null;
  readonly comment: string | null;
  readonly serial_type: string | null;
  readonly serial_sequence: string | null;
}

const DEFAULT_EXPR = `pg_get_expr(d.adbin, ${printedIn('d.adrelid')})`;

// A column is folded into serial/smallserial/bigserial only when it is exactly what that
// shorthand creates, so that nothing the model cannot say is lost: an integer column whose
// default is nextval() of a sequence OWNED BY it (pg_depend deptype 'a' from the sequence
// to the column; identity columns use 'i' and have no default), of the same type (PG 10+
// sequences have a type) and with default options. The default is compared with the text
// Postgres prints for nextval('<sequence>'::regclass) under the same search_path. (Only a
// sequence name with a backslash breaks this: the deparser never writes E'' literals while
// quote_literal does, and such a column is simply not folded.)
const SERIAL = `
LEFT JOIN LATERAL (
  SELECT CASE a.atttypid WHEN 'smallint'::regtype THEN 'smallserial'
                         WHEN 'integer'::regtype THEN 'serial'
                         ELSE 'bigserial' END AS type,
         q.relname::text AS sequence
  FROM pg_depend o
  JOIN pg_class q ON q.oid = o.objid AND q.relkind = 'S'
  JOIN pg_sequence sq ON sq.seqrelid = q.oid
  WHERE o.classid = 'pg_class'::regclass AND o.refclassid = 'pg_class'::regclass
    AND o.refobjid = a.attrelid AND o.refobjsubid = a.attnum AND o.deptype = 'a'
    AND a.atttypid IN ('smallint'::regtype, 'integer'::regtype, 'bigint'::regtype)
    AND sq.seqtypid = a.atttypid
    AND sq.seqstart = 1 AND sq.seqincrement = 1 AND sq.seqmin = 1 AND sq.seqcache = 1 AND NOT sq.seqcycle
    AND sq.seqmax = CASE a.atttypid WHEN 'smallint'::regtype THEN 32767
                                    WHEN 'integer'::regtype THEN 2147483647
                                    ELSE 9223372036854775807 END
    AND ${DEFAULT_EXPR} = 'nextval(' || quote_literal(${printedIn('q.oid')}::regclass::text) || '::regclass)'
) serial ON true`;

// attnum > 0 skips system columns (ctid, xmin, ...), attisdropped the placeholders that
// DROP COLUMN leaves behind. A collation is reported only when it differs from the type's
// own, which is what a column without COLLATE gets, and as its bare name (`C`, `en_US`),
// which the planner quotes. (The model cannot name a collation created in a schema that
// is not on the search_path; collations normally live in pg_catalog.)
const SQL = `
SELECT s.nspname AS schema, c.relname::text AS table, a.attname::text AS name,
       format_type(${printedIn('a.atttypid')}, a.atttypmod) AS type,
       NOT a.attnotnull AS nullable,
       a.attidentity::text AS identity,
       a.attgenerated::text AS generated,
       ${DEFAULT_EXPR} AS expression,
       CASE WHEN a.attcollation <> t.typcollation THEN co.collname::text END AS collation,
       ds.description AS comment,
       serial.type AS serial_type,
       serial.sequence AS serial_sequence
FROM ${TABLES}
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_collation co ON co.oid = a.attcollation
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN pg_description ds ON ds.objoid = c.oid AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = a.attnum
${SERIAL}
ORDER BY s.nspname, c.relname, a.attnum`;

/** The columns of every table in the scope, in attnum order. */
export async function readColumns(client: pg.ClientBase, scope: CatalogScope): Promise<InspectedColumn[]> {
  const { rows } = await client.query<Row>(SQL, objectParams(scope));
  return rows.map((r) => ({
    schema: r.schema,
    table: r.table,
    column: toColumn(r),
    serialSequence: r.serial_sequence,
  }));
}

function toColumn(r: Row): Column {
  // attgenerated: '' ordinary, 's' stored, 'v' virtual (PG 18). The model has no virtual
  // flag yet, so a virtual column shows up as generated. Either way pg_attrdef holds the
  // generation expression, not a default.
  const generated = r.generated === '' ? null : r.expression;
  return {
    name: r.name,
    type: r.serial_type ?? r.type,
    nullable: r.nullable,
    default: r.serial_type !== null || generated !== null ? null : r.expression,
    identity: identity(r.identity),
    generated,
    collation: r.collation,
    comment: r.comment,
  };
}

import type pg from 'pg';
import {
  type CheckConstraint,
  type ForeignKey,
  type PrimaryKey,
  SHARED_PREFIX,
  type UniqueConstraint,
} from '../model/types.js';
import { deferrable, fkAction } from './catalog-codes.js';
import { printedIn } from './printed-in.js';
import { type CatalogScope, objectParams, TABLES } from './scope.js';

export type InspectedConstraint =
  | { readonly schema: string; readonly table: string; readonly kind: 'primaryKey'; readonly constraint: PrimaryKey }
  | { readonly schema: string; readonly table: string; readonly kind: 'unique'; readonly constraint: UniqueConstraint }
  | { readonly schema: string; readonly table: string; readonly kind: 'check'; readonly constraint: CheckConstraint }
  | { readonly schema: string; readonly table: string; readonly kind: 'foreignKey'; readonly constraint: ForeignKey };

interface Row {
  readonly schema: string;
  readonly table: string;
  readonly name: string;
  readonly type: 'p' | 'u' | 'c' | 'f';
  readonly deferrable: boolean;
  readonly deferred: boolean;
  readonly columns: string[];
  readonly ref_schema: string | null;
  readonly ref_table: string | null;
  readonly ref_columns: string[];
  readonly on_delete: string;
  readonly on_update: string;
  readonly validated: boolean;
  readonly expression: string | null;
  readonly nulls_not_distinct: boolean | null;
}

// Column lists follow conkey/confkey order (the order of the constraint's definition), not
// attnum order; unnest WITH ORDINALITY keeps it.
const attnames = (rel: string, keys: string): string => `ARRAY(
    SELECT a.attname::text FROM unnest(${keys}) WITH ORDINALITY AS u(attnum, ord)
    JOIN pg_attribute a ON a.attrelid = ${rel} AND a.attnum = u.attnum ORDER BY u.ord)`;

// Only the kinds the model has: 'x' (exclusion), 't' (constraint trigger) and, on PG 18,
// 'n' (NOT NULL, which the model keeps as Column.nullable) are left out. Options the model
// cannot say yet are not read: ON DELETE SET NULL (cols) (confdelsetcols, PG 15), NOT
// ENFORCED (conenforced, PG 18), WITHOUT OVERLAPS / PERIOD (conperiod, PG 18).
//
// A check's expression is pg_get_expr(conbin, conrelid): exactly the text
// pg_get_constraintdef prints inside `CHECK (...)`, without that keyword, the parentheses
// it adds and the ` NO INHERIT` / ` NOT VALID` suffixes, so there is nothing to strip.
// Postgres prints it fully parenthesised with explicit casts: `CHECK (price >= 0)` on a
// numeric column reads `(price >= (0)::numeric)`.
//
// conparentid <> 0 (PG 11+) marks the clones Postgres adds to a partitioned table for an FK
// that references a partitioned table, one per referenced partition; the model has only
// the original. So are the clones of its primary key, unique and foreign keys on each
// partition; a partition's checks from its parent are not its own (conislocal).
const SQL = `
SELECT s.nspname AS schema, c.relname::text AS table, k.conname::text AS name, k.contype::text AS type,
       k.condeferrable AS deferrable, k.condeferred AS deferred,
       ${attnames('k.conrelid', 'k.conkey')} AS columns,
       rn.nspname::text AS ref_schema, rc.relname::text AS ref_table,
       ${attnames('k.confrelid', 'k.confkey')} AS ref_columns,
       k.confdeltype::text AS on_delete, k.confupdtype::text AS on_update, k.convalidated AS validated,
       CASE WHEN k.contype = 'c' THEN pg_get_expr(k.conbin, ${printedIn('k.conrelid')}) END AS expression,
       ux.indnullsnotdistinct AS nulls_not_distinct
FROM ${TABLES}
JOIN pg_constraint k ON k.conrelid = c.oid AND k.contype IN ('p', 'u', 'c', 'f') AND k.conparentid = 0
  AND (k.conislocal OR NOT c.relispartition)
LEFT JOIN pg_class rc ON rc.oid = k.confrelid
LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
LEFT JOIN pg_index ux ON k.contype = 'u' AND ux.indexrelid = k.conindid
ORDER BY s.nspname, c.relname`;

/** The primary keys, unique, check and foreign key constraints of every table in the scope. */
export async function readConstraints(client: pg.ClientBase, scope: CatalogScope): Promise<InspectedConstraint[]> {
  const { rows } = await client.query<Row>(SQL, objectParams(scope));
  return rows.map((r) => toConstraint(r, scope.sharedSchema));
}

function toConstraint(r: Row, sharedSchema: string): InspectedConstraint {
  const at = { schema: r.schema, table: r.table };
  const defer = deferrable(r.deferrable, r.deferred);
  switch (r.type) {
    case 'p':
      return { ...at, kind: 'primaryKey', constraint: { name: r.name, columns: r.columns } };
    case 'u':
      return {
        ...at,
        kind: 'unique',
        constraint: {
          kind: 'unique',
          name: r.name,
          columns: r.columns,
          deferrable: defer,
          ...(r.nulls_not_distinct ? { nullsNotDistinct: true } : {}),
        },
      };
    case 'c':
      return {
        ...at,
        kind: 'check',
        constraint: { kind: 'check', name: r.name, expression: r.expression ?? '', ...notValid(r) },
      };
    case 'f':
      return {
        ...at,
        kind: 'foreignKey',
        constraint: {
          kind: 'foreignKey',
          name: r.name,
          columns: r.columns,
          refTable: refTable(r.schema, r.ref_schema ?? '', r.ref_table ?? '', sharedSchema),
          refColumns: r.ref_columns,
          onDelete: fkAction(r.on_delete),
          onUpdate: fkAction(r.on_update),
          deferrable: defer,
          ...notValid(r),
        },
      };
  }
}

/** A CHECK or FOREIGN KEY added NOT VALID and not validated since (online forms validate in a later step). */
const notValid = (r: Row): { notValid?: true } => (r.validated ? {} : { notValid: true });

/** How a model of `schema` names a table: its own unqualified, the shared one's `shared.<name>`. */
function refTable(schema: string, refSchema: string, table: string, sharedSchema: string): string {
  if (refSchema === schema) return table;
  if (refSchema === sharedSchema) return `${SHARED_PREFIX}${table}`;
  return `${refSchema}.${table}`;
}

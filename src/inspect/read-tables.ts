import type pg from 'pg';
import { printedIn } from './printed-in.js';
import { type CatalogScope, objectParams, TABLES } from './scope.js';

export interface TableRow {
  readonly schema: string;
  readonly name: string;
  readonly comment: string | null;
  readonly partition_by: string | null;
  readonly parent: string | null;
  readonly bound: string | null;
  readonly row_security: boolean;
  readonly force_row_security: boolean;
}

// A join on pg_description is what obj_description(oid, 'pg_class') does, without a
// function call (and its own catalog lookup) per row.
//
// A partitioned table's key (pg_get_partkeydef) and a partition's bound (relpartbound) print
// expressions and collations under the schema's search_path, hence printedIn. A partition's
// parent is its one pg_inherits row.
/** The catalog query behind this reader (`$1` schema names, `$2` their search paths); drift fingerprints wrap it. */
export const SQL = `
SELECT s.nspname AS schema, c.relname::text AS name, d.description AS comment,
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(${printedIn('c.oid')}) END AS partition_by,
       CASE WHEN c.relispartition THEN (
         SELECT p.relname::text FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent WHERE i.inhrelid = c.oid)
       END AS parent,
       CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, ${printedIn('c.oid')}) END AS bound,
       c.relrowsecurity AS row_security, c.relforcerowsecurity AS force_row_security
FROM ${TABLES}
LEFT JOIN pg_description d ON d.objoid = c.oid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0`;

/** The tables of every schema in the scope. */
export async function readTables(client: pg.ClientBase, scope: CatalogScope): Promise<TableRow[]> {
  return (await client.query<TableRow>(SQL, objectParams(scope))).rows;
}

import type pg from 'pg';
import { type CatalogScope, scopeParams, TABLES } from './scope.js';

export interface TableRow {
  readonly schema: string;
  readonly name: string;
  readonly comment: string | null;
}

// A join on pg_description is what obj_description(oid, 'pg_class') does, without a
// function call (and its own catalog lookup) per row.
const SQL = `
SELECT s.nspname AS schema, c.relname::text AS name, d.description AS comment
FROM ${TABLES}
LEFT JOIN pg_description d ON d.objoid = c.oid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0`;

/** The tables of every schema in the scope. */
export async function readTables(client: pg.ClientBase, scope: CatalogScope): Promise<TableRow[]> {
  return (await client.query<TableRow>(SQL, scopeParams(scope))).rows;
}

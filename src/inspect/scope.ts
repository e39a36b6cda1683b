import type pg from 'pg';
import { ident, literal } from '../plan/quote.js';

/**
 * The schemas of one inspection, each with the search_path its SQL text is printed under:
 * the schema itself, then the shared schema, so that their types and sequences print
 * unqualified exactly as in DDL run with that search_path.
 *
 * pg_catalog is listed first explicitly. That is where Postgres searches it anyway when a
 * search_path does not list it, so printing is unchanged; but queries after the first are
 * parsed under the search_path the previous one left behind, and a tenant's function or
 * operator must never be picked for one of ours.
 */
export interface CatalogScope {
  readonly schemas: readonly string[];
  readonly searchPaths: readonly string[];
  readonly sharedSchema: string;
  /** The OIDs of the schemas' relations and types, once looked up by index (see `withObjects`), else null. */
  readonly objects: readonly string[] | null;
}

export function scopeOf(schemas: readonly string[], sharedSchema: string): CatalogScope {
  const unique = [...new Set(schemas)];
  return {
    schemas: unique,
    searchPaths: unique.map((s) =>
      s === sharedSchema ? `pg_catalog, ${ident(s)}` : `pg_catalog, ${ident(s)}, ${ident(sharedSchema)}`,
    ),
    sharedSchema,
    objects: null,
  };
}

/** The parameters every catalog query takes: `$1` schema names, `$2` their search paths. */
export const scopeParams = (scope: CatalogScope): unknown[] => [scope.schemas, scope.searchPaths];

/** The parameters of a query that reads pg_class or pg_type (see `inSchema`): `$3` their OIDs, or null. */
export const objectParams = (scope: CatalogScope): unknown[] => [...scopeParams(scope), scope.objects];

/**
 * SQL condition: the pg_class row `alias` (or with `column` typnamespace, the pg_type row)
 * is in the schema `n`. With `$3` null that is `relnamespace = n.oid`, for which Postgres
 * reads all of pg_class: it has no index by schema, and at 10,000 tenants it holds 1.6
 * million rows, a third of a second a query (pg_type: 400,000). With `$3` the OIDs that
 * `withObjects` found, the rows are fetched by OID instead. (Postgres plans each query for
 * its parameters, so the test on `$3` is decided before it runs and costs nothing. OIDs
 * are unique within a catalog only, but a row of the other catalog with the same OID
 * would still have to be in the schema.)
 */
export const inSchema = (alias: string, column: 'relnamespace' | 'typnamespace' = 'relnamespace'): string =>
  `${alias}.${column} = n.oid AND ($3::oid[] IS NULL OR ${alias}.oid = ANY ($3::oid[]))`;

/** Beyond this many schemas, probing their objects' OIDs one by one costs more than reading pg_class whole. */
const BY_INDEX_MAX = 1000;

/**
 * `scope` with the OIDs of its schemas' relations and types, found through pg_depend's
 * index on what is referenced: Postgres records every relation's and type's dependency on
 * its schema, except an index's and a TOAST table's (which depend on their table), a
 * table's row type and an array type (which depend on their table or element type), and a
 * stand-alone composite type's pg_class row (its pg_type row has it). A scope of more than
 * `BY_INDEX_MAX` schemas is left to read the catalogs whole, which is then the cheaper
 * way. Call it inside the transaction of the queries, for one snapshot.
 */
export async function withObjects(client: pg.ClientBase, scope: CatalogScope): Promise<CatalogScope> {
  if (scope.schemas.length > BY_INDEX_MAX) return scope;
  const { rows } = await client.query<{ objects: string[] }>(
    `SELECT coalesce(array_agg(d.objid), '{}') AS objects FROM ${SCHEMAS}
     JOIN pg_depend d ON d.refclassid = 'pg_namespace'::regclass AND d.refobjid = n.oid
       AND d.classid IN ('pg_class'::regclass, 'pg_type'::regclass)`,
    scopeParams(scope),
  );
  return { ...scope, objects: rows[0].objects };
}

/**
 * FROM items: one row `s(nspname, search_path)` per inspected schema, and `n` its
 * pg_namespace row. A schema that does not exist simply has no rows.
 *
 * Catalog names in the queries are unqualified: the inspection runs with a search_path
 * that starts with pg_catalog (see `inspectSchemas` and `scopeOf`).
 */
export const SCHEMAS = `unnest($1::text[], $2::text[]) AS s(nspname, search_path)
  JOIN pg_namespace n ON n.nspname = s.nspname`;

/**
 * SQL condition: the pg_class/pg_type row `oid` (of catalog `catalog`) belongs to an
 * extension. Such objects come and go with `CREATE EXTENSION`, so they are not part of
 * the model. The members are found from the extensions' side, through pg_depend's index on
 * what is referenced: Postgres evaluates the condition as one hashed set per query, and
 * from the member side that set took a scan of the whole of pg_depend (millions of rows,
 * about a second, at 10,000 tenants) each time it was used.
 */
export const extensionMember = (
  catalog: 'pg_class' | 'pg_type' | 'pg_collation' | 'pg_ts_dict' | 'pg_ts_config',
  oid: string,
): string =>
  `(${oid} IN (SELECT e.objid FROM pg_extension x JOIN pg_depend e
     ON e.refclassid = 'pg_extension'::regclass AND e.refobjid = x.oid
     WHERE e.classid = ${literal(catalog)}::regclass AND e.deptype = 'e'))`;

/**
 * FROM items: `c`, the tables of the model in the inspected schemas: ordinary ('r') and
 * partitioned ('p') tables, partitions (relispartition, PG 10+) among them.
 */
export const TABLES = `${SCHEMAS}
  JOIN pg_class c ON ${inSchema('c')} AND c.relkind IN ('r', 'p')
    AND NOT ${extensionMember('pg_class', 'c.oid')}`;

import type pg from 'pg';
import { printedIn } from './printed-in.js';
import { SQL as ENUMS } from './read-enums.js';
import { SQL as EXTENSIONS } from './read-extensions.js';
import { joinedToSchemas, OBJECT_QUERIES, type ObjectQuery } from './read-objects.js';
import { SQL as TABLES_SQL } from './read-tables.js';
import { type CatalogScope, extensionMember, inSchema, objectParams, SCHEMAS, withObjects } from './scope.js';

/**
 * A fingerprint of each schema's catalog rows, computed by Postgres for many schemas in one
 * query that returns one short row per schema.
 *
 * The one rule: two schemas with equal fingerprints give equal models when inspected (the
 * names of the schemas themselves aside). A fingerprint may be finer than the model (two
 * schemas with equal models may hash differently: that only costs one more inspection),
 * never coarser (that would hide drift). So every part hashes at least what the inspector
 * reads, in a form that does not name the schema:
 *
 * - enums, extensions, domains, routines, views and triggers: the inspector's own queries,
 *   wrapped, so they cannot fall behind it;
 * - tables, columns, constraints, indexes and sequences: leaner queries over the same rows
 *   (the inspector's versions cost about three times more at fleet scale). They read every
 *   table and sequence of the schema, with the flags the inspector filters on (partition,
 *   extension member, identity sequence), and hash raw catalog values where those are the
 *   same in every schema (attnum, conkey, indoption, OIDs of built-in types, operator
 *   classes and collations), and SQL text printed under the schema's own search_path (see
 *   `printedIn`) where they are not (defaults, checks, index expressions and predicates,
 *   non-built-in types), which prints the schema's own objects unqualified. Column numbers
 *   stand for column names, so the columns part hashes both. A sequence comes with the
 *   column that owns it, which is what the inspector needs to fold a column into `serial`.
 *
 * test/inspect/fingerprint.test.ts holds this rule against the golden cases and against
 * differences chosen to slip through: equal fingerprints only for equal models.
 */

// OIDs below FirstNormalObjectId (16384) were assigned by initdb: the same object in every
// schema of the cluster, so the OID itself can be hashed instead of its printed name.
const FIRST_NORMAL_OID = 16384;

/** A row as text, tagged with its part so that rows of two parts never hash alike. */
const tagged = (part: string, fields: string) => `'${part}' || chr(10) || ROW(${fields})::text`;

/**
 * `rels`: every table, materialized view (which may have indexes) and sequence of the
 * schemas, with what the inspector filters them on, sorted by schema; `tables`: its tables
 * and materialized views. One read of pg_class (by OID for a small batch, see `inSchema`)
 * serves every part.
 */
const RELATIONS = `
rels AS MATERIALIZED (
  SELECT s.nspname, s.search_path, n.oid AS nspoid, c.oid AS reloid, c.relname, c.relkind, c.relispartition,
         ${extensionMember('pg_class', 'c.oid')} AS extension_member
  FROM ${SCHEMAS}
  JOIN pg_class c ON ${inSchema('c')} AND c.relkind IN ('r', 'p', 'm', 'S')
  ORDER BY s.nspname),
tables AS MATERIALIZED (SELECT * FROM rels WHERE relkind IN ('r', 'p', 'm'))`;

// The inspector's own tables query (names, comments, partitioning, row level security),
// and what this file adds to it: every table of `tables` with the flags the inspector
// filters on.
const TABLES = `SELECT s.nspname AS schema, ${tagged('relation', 's.relname, s.relkind, s.relispartition, s.extension_member')} AS r
  FROM tables s`;

const COLUMNS = `SELECT ${tagged(
  'column',
  `s.relname, a.attnum, a.attname,
    CASE WHEN a.atttypid < ${FIRST_NORMAL_OID} THEN a.atttypid::text ELSE format_type(${printedIn('a.atttypid')}, NULL) END,
    a.atttypmod, a.attnotnull, a.attidentity, a.attgenerated,
    CASE WHEN d.adbin IS NOT NULL THEN pg_get_expr(d.adbin,
      CASE WHEN a.attgenerated = '' THEN ${printedIn('0::oid')} ELSE ${printedIn('d.adrelid')} END) END,
    a.attcollation, ds.description,
    CASE WHEN a.atttypid >= ${FIRST_NORMAL_OID} THEN (SELECT t.typcollation FROM pg_type t WHERE t.oid = a.atttypid) END`,
)} AS r
  FROM pg_attribute a
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  LEFT JOIN pg_description ds ON ds.objoid = a.attrelid AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = a.attnum
  WHERE a.attrelid = s.reloid AND a.attnum > 0 AND NOT a.attisdropped`;

// The same constraints as the inspector's. A referenced table in the schema itself is
// hashed as '' (the model writes it unqualified); conkey and confkey are column numbers,
// named through the columns part (of this schema, or of the one schema referenced).
//
// A CHECK's expression is hashed as its stored node tree when it refers to nothing but its
// own table's columns and objects built into Postgres: Postgres records a dependency
// (pg_depend) on every other object an expression names (functions, operators, types,
// collations, relations), and built-in objects have the same OIDs in every database, so
// such a tree is the same text in every schema where the CHECK is, once its parse
// positions are cut out: before Postgres 17 a stored tree keeps each node's offset in the
// statement's text, which differs between tenants migrated several to a message (17 stores
// -1, so there the regexp, 1 s of CPU at 10,000 tenants, is skipped). Other CHECKs are
// printed. Printing an expression with columns opens its table, and at 10,000 tenants
// building those 200,000 relation cache entries was most of drift's time. Defaults have no
// columns (a generated column's expression aside), so they print with no table (relid 0),
// which opens nothing.
const CONSTRAINTS = `SELECT ${tagged(
  'constraint',
  `s.relname, k.conname, k.contype, k.condeferrable, k.condeferred, k.conkey,
    CASE WHEN rc.relnamespace = s.nspoid THEN '' ELSE rn.nspname END, rc.relname, k.confkey,
    k.confdeltype, k.confupdtype, k.convalidated,
    CASE WHEN k.contype <> 'c' THEN NULL
         WHEN NOT EXISTS (SELECT 1 FROM pg_depend dp
                          WHERE dp.classid = 'pg_constraint'::regclass AND dp.objid = k.oid AND dp.objsubid = 0
                            AND NOT (dp.refclassid = 'pg_class'::regclass AND dp.refobjid = k.conrelid))
         THEN 'tree ' || CASE WHEN current_setting('server_version_num')::integer >= 170000 THEN k.conbin::text
                              ELSE regexp_replace(k.conbin::text, ' :location -?[0-9]+', '', 'g') END
         ELSE pg_get_expr(k.conbin, ${printedIn('k.conrelid')}) END`,
)} AS r
  FROM pg_constraint k
  LEFT JOIN pg_class rc ON rc.oid = k.confrelid
  LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
  WHERE k.conrelid = s.reloid AND k.contype IN ('p', 'u', 'c', 'f') AND k.conparentid = 0`;

// The same indexes as the inspector's: not those behind a primary key, unique or exclusion
// constraint (which is on the same table, hence the conrelid test that lets an index find
// it). indclass and indcollation are OIDs of operator classes and collations, which live
// in pg_catalog; an expression column's collation is compared by the inspector with its
// type's, hence the types' collations of expression indexes.
const INDEXES = `SELECT ${tagged(
  'index',
  `s.relname, ic.relname, x.indisunique, x.indisvalid, ic.relam, x.indnatts, x.indnkeyatts,
    x.indkey, x.indoption, x.indclass, x.indcollation,
    CASE WHEN x.indexprs IS NOT NULL THEN pg_get_expr(x.indexprs, ${printedIn('x.indrelid')}) END,
    CASE WHEN x.indpred IS NOT NULL THEN pg_get_expr(x.indpred, ${printedIn('x.indrelid')}) END,
    CASE WHEN x.indexprs IS NOT NULL THEN ARRAY(
      SELECT t.typcollation FROM pg_attribute ia JOIN pg_type t ON t.oid = ia.atttypid
      WHERE ia.attrelid = x.indexrelid ORDER BY ia.attnum) END`,
)} AS r
  FROM pg_index x
  JOIN pg_class ic ON ic.oid = x.indexrelid
  WHERE x.indrelid = s.reloid AND NOT EXISTS (
    SELECT 1 FROM pg_constraint pk
    WHERE pk.conrelid = x.indrelid AND pk.conindid = x.indexrelid AND pk.contype IN ('p', 'u', 'x'))`;

/**
 * Columns, constraints and indexes, read table by table: the subquery runs once per table
 * `s` of `tables`, in schema order. Printing under each schema's search_path (`printedIn`)
 * is cheap only when the rows of one schema come together, as the path then changes once
 * per schema. A join would let the planner read the catalogs in OID order, which
 * interleaves schemas created or migrated side by side; sorting its rows would sort wide
 * node trees. Here each table's rows are fetched by index, in the order of `tables`
 * (OFFSET 0 keeps the subquery from being merged into a join).
 */
const PER_TABLE = `SELECT s.nspname AS schema, x.r FROM tables s CROSS JOIN LATERAL (
  ${COLUMNS}
  UNION ALL
  ${CONSTRAINTS}
  UNION ALL
  ${INDEXES}
  OFFSET 0) x`;

// A sequence with the column that owns it, if one does: deptype 'a' (OWNED BY, which the
// inspector may fold into a serial column, comparing the column's default with the
// sequence's name as printed) or 'i' (an identity column's, which the inspector leaves
// out). Postgres keeps an owned sequence in the schema of its table, so the table's name
// says which it is. The owner is looked up by index, sequence by sequence (OFFSET 0 keeps
// the planner from hashing the whole of pg_depend, millions of rows at 10,000 tenants).
const SEQUENCES = `SELECT s.nspname AS schema, ${tagged(
  'sequence',
  `s.relname, s.extension_member, o.deptype, ot.relname, o.refobjsubid,
    CASE WHEN o.deptype = 'a' THEN ${printedIn('s.reloid')}::regclass::text END,
    sq.seqtypid, sq.seqstart, sq.seqincrement, sq.seqmin, sq.seqmax, sq.seqcache, sq.seqcycle, d.description`,
)} AS r
  FROM rels s
  LEFT JOIN pg_sequence sq ON sq.seqrelid = s.reloid
  LEFT JOIN LATERAL (SELECT o.deptype, o.refobjid, o.refobjsubid FROM pg_depend o
    WHERE o.classid = 'pg_class'::regclass AND o.objid = s.reloid AND o.objsubid = 0
      AND o.refclassid = 'pg_class'::regclass AND o.deptype IN ('a', 'i')
    OFFSET 0) o ON true
  LEFT JOIN pg_class ot ON ot.oid = o.refobjid
  LEFT JOIN pg_description d ON d.objoid = s.reloid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0
  WHERE s.relkind = 'S'`;

/** The inspector's own query, its rows as JSON without the schema column. */
const wrapped = (part: string, sql: string) =>
  `SELECT i.schema, '${part}' || chr(10) || (to_jsonb(i) - 'schema')::text AS r FROM (${sql}) i`;

// The inspector's other kinds (domains, composite types, routines, views, triggers,
// exclusion constraints, policies, grants): its own queries, each joined to the schemas
// (`joinedToSchemas`). A routine's definition names the routine
// qualified (pg_get_functiondef always does), which the inspector cuts off with the quoted
// schema name it reads alongside: the same is done here, so that tenants with the same
// functions hash alike.
const objectsPart = (query: ObjectQuery) => `SELECT o.schema, ${tagged(
  'object',
  `o.kind, o.owner, o.name, (o.data::jsonb - 'quotedSchema' - 'definition')::text,
    CASE WHEN d.head IS NOT NULL AND starts_with(substr(d.def, length(d.head) + 1), d.qs || '.')
         THEN d.head || substr(d.def, length(d.head) + length(d.qs) + 2) ELSE d.def END`,
)} AS r
  FROM (${joinedToSchemas(query)}) o(schema, kind, owner, name, data)
  CROSS JOIN LATERAL (SELECT o.data->>'definition' AS def, o.data->>'quotedSchema' AS qs,
    substring(o.data->>'definition' from '^CREATE OR REPLACE (?:FUNCTION|PROCEDURE) ') AS head) d`;

/**
 * Every part yields `(schema, r)`, one text `r` per catalog row; the `schema` part says that
 * the schema exists, which an empty schema would not otherwise show. A schema's rows are
 * hashed one by one and summed, with two seeds, and counted: a hash of the set of rows
 * that no sort is needed for. A sum of random 64-bit values is a sound multiset hash
 * (AdHash); the chance that two different schemas collide is about 2^-64 (hashtextextended
 * is no cryptographic hash, but nobody here chooses catalog rows to collide).
 */
export const FINGERPRINT_SQL = `
WITH ${RELATIONS}
SELECT h.schema, count(*) AS n, sum(hashtextextended(h.r, 0)) AS a, sum(hashtextextended(h.r, 1)) AS b
FROM (
  SELECT s.nspname AS schema, 'schema' AS r FROM ${SCHEMAS}
  UNION ALL
  ${TABLES}
  UNION ALL
  ${PER_TABLE}
  UNION ALL
  ${SEQUENCES}
  UNION ALL
  ${wrapped('enum', ENUMS)}
  UNION ALL
  ${wrapped('extension', EXTENSIONS)}
  UNION ALL
  ${wrapped('table', TABLES_SQL)}
  UNION ALL
  ${OBJECT_QUERIES.map(objectsPart).join('\n  UNION ALL\n  ')}
) h
GROUP BY h.schema`;

export interface Fingerprint {
  readonly exists: boolean;
  /** Equal for two schemas whose inspected models are equal (names of the schemas themselves aside). */
  readonly hash: string;
}

/** The fingerprint of a schema that does not exist: an empty one's would differ in `exists` alone. */
const MISSING: Fingerprint = { exists: false, hash: 'missing' };

/**
 * The fingerprints of `scope.schemas`, in one query. Runs in its own read-only
 * transaction, like `inspectSchemas`, so `client` must not be in one.
 *
 * @example
 * const prints = await fingerprints(client, scopeOf(['tenant_a', 'tenant_b'], 'public'));
 * prints.get('tenant_a')?.hash === prints.get('tenant_b')?.hash; // true when they look alike
 */
export async function fingerprints(client: pg.ClientBase, scope: CatalogScope): Promise<Map<string, Fingerprint>> {
  const result = new Map<string, Fingerprint>();
  if (scope.schemas.length === 0) return result;
  // search_path: the query parses under a known one (see scopeOf). work_mem: the
  // per-schema sums are aggregated in memory rather than sorted on disk.
  await client.query(
    "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET LOCAL search_path = pg_catalog; SET LOCAL work_mem = '64MB'",
  );
  let rows: Array<{ schema: string; n: string; a: string; b: string }>;
  try {
    rows = (await client.query(FINGERPRINT_SQL, objectParams(await withObjects(client, scope)))).rows;
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
  for (const r of rows) result.set(r.schema, { exists: true, hash: `${r.n}.${r.a}.${r.b}` });
  for (const schema of scope.schemas) if (!result.has(schema)) result.set(schema, MISSING);
  return result;
}

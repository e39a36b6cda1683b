import type pg from 'pg';
import { type CatalogScope, inSchema, objectParams, SCHEMAS } from './scope.js';

/** An object of a live schema that the model cannot describe yet, so `pull` did not write it. */
export interface UnmodelledObject {
  readonly schema: string;
  /** e.g. `foreign table`, `rule`, `operator`. */
  readonly kind: string;
  readonly name: string;
  /** Why it is not in the model, and what becomes of it. */
  readonly reason: string;
}

// Objects that belong to an extension (pg_depend deptype 'e') come with CREATE EXTENSION
// and are never listed. Each branch lists one kind of object (or one property of an
// object) that the model lacks; a kind is removed here when the model learns it. Every
// catalog with a namespace column is read: what the inspector does not model is here.
const NOT_EXTENSION = (classid: string, oid: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = '${classid}'::regclass AND e.objid = ${oid} AND e.deptype = 'e')`;

const NOT_IN_MODEL = 'the model has no place for it yet: keep it in a hand-written migration (pgfleet new)';

/** A catalog of objects that the model lacks entirely, found by its namespace column. */
const wholeKind = (
  kind: string,
  catalog: string,
  alias: string,
  nameSql: string,
  namespace: string,
  where = 'true',
) => `
SELECT s.nspname, '${kind}', ${nameSql}, '${NOT_IN_MODEL}'
FROM ${SCHEMAS} JOIN ${catalog} ${alias} ON ${alias}.${namespace} = n.oid
WHERE ${where} AND ${NOT_EXTENSION(catalog, `${alias}.oid`)}`;

const comment = (catalog: string, oid: string) =>
  `EXISTS (SELECT 1 FROM pg_description d WHERE d.objoid = ${oid} AND d.classoid = '${catalog}'::regclass)`;

// Each branch is joined to the schemas (a LATERAL per schema would read each catalog once
// per schema: baseline checks hundreds at a time).
const SQL = `
SELECT s.nspname AS schema, 'foreign table' AS kind, c.relname::text AS name, '${NOT_IN_MODEL}' AS reason
FROM ${SCHEMAS} CROSS JOIN pg_class c
WHERE ${inSchema('c')} AND c.relkind = 'f' AND ${NOT_EXTENSION('pg_class', 'c.oid')}
UNION ALL
SELECT s.nspname, 'range type', t.typname::text, '${NOT_IN_MODEL}'
FROM ${SCHEMAS} CROSS JOIN pg_type t
WHERE ${inSchema('t', 'typnamespace')} AND ${NOT_EXTENSION('pg_type', 't.oid')} AND t.typtype = 'r'
UNION ALL
-- A base type (CREATE TYPE with input and output functions), or the shell of one; their
-- array types come with them.
SELECT s.nspname, CASE t.typtype WHEN 'p' THEN 'shell type' ELSE 'base type' END, t.typname::text, '${NOT_IN_MODEL}'
FROM ${SCHEMAS} CROSS JOIN pg_type t
WHERE ${inSchema('t', 'typnamespace')} AND ${NOT_EXTENSION('pg_type', 't.oid')}
  AND (t.typtype = 'p' OR t.typtype = 'b' AND NOT EXISTS (SELECT 1 FROM pg_type e WHERE e.typarray = t.oid))
UNION ALL
SELECT s.nspname, 'trigger', tg.tgname || ' on ' || c.relname,
  'triggers are modelled on tables only (this one is on a ' || CASE c.relkind WHEN 'v' THEN 'view' WHEN 'f' THEN 'foreign table' ELSE 'relation of kind ' || c.relkind::text END || ')'
FROM ${SCHEMAS} CROSS JOIN pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid
WHERE ${inSchema('c')} AND NOT tg.tgisinternal AND tg.tgparentid = 0 AND c.relkind NOT IN ('r', 'p')
UNION ALL
SELECT s.nspname, 'disabled trigger', tg.tgname || ' on ' || c.relname,
  'the model has no trigger state: it would be created enabled'
FROM ${SCHEMAS} CROSS JOIN pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid
WHERE ${inSchema('c')} AND NOT tg.tgisinternal AND tg.tgparentid = 0 AND tg.tgenabled <> 'O'
  AND ${NOT_EXTENSION('pg_class', 'c.oid')}
UNION ALL
SELECT s.nspname, 'rule', r.rulename || ' on ' || c.relname, '${NOT_IN_MODEL}'
FROM ${SCHEMAS} CROSS JOIN pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class
WHERE ${inSchema('c')} AND r.rulename <> '_RETURN' AND ${NOT_EXTENSION('pg_class', 'c.oid')}
UNION ALL
SELECT s.nspname, 'grants', c.relname::text, 'grants on the sequence of an identity or serial column are not in the model'
FROM ${SCHEMAS} CROSS JOIN pg_class c
WHERE ${inSchema('c')} AND c.relacl IS NOT NULL
  -- a foreign table, or the sequence of an identity or serial column (owned, and a default's)
  AND (c.relkind = 'f' OR c.relkind = 'S' AND EXISTS (
    SELECT 1 FROM pg_depend d
    WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass
      AND (d.deptype = 'i' OR d.deptype = 'a' AND EXISTS (
        SELECT 1 FROM pg_depend u
        WHERE u.refclassid = 'pg_class'::regclass AND u.refobjid = c.oid AND u.classid = 'pg_attrdef'::regclass))))
  AND ${NOT_EXTENSION('pg_class', 'c.oid')}
UNION ALL
SELECT s.nspname, 'column grants', c.relname || '.' || a.attname, 'column-level privileges are not in the model'
FROM ${SCHEMAS} CROSS JOIN pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE ${inSchema('c')} AND a.attacl IS NOT NULL AND ${NOT_EXTENSION('pg_class', 'c.oid')}
UNION ALL
SELECT s.nspname, 'type grants', t.typname::text, 'privileges on types and domains are not in the model'
FROM ${SCHEMAS} CROSS JOIN pg_type t
WHERE ${inSchema('t', 'typnamespace')} AND t.typacl IS NOT NULL AND ${NOT_EXTENSION('pg_type', 't.oid')}
UNION ALL
SELECT s.nspname, 'unlogged table', c.relname::text, 'the model has no UNLOGGED: it would be created logged'
FROM ${SCHEMAS} CROSS JOIN pg_class c
WHERE ${inSchema('c')} AND c.relpersistence = 'u' AND c.relkind IN ('r', 'p') AND ${NOT_EXTENSION('pg_class', 'c.oid')}
UNION ALL
SELECT s.nspname, 'storage parameters', c.relname || ' (' || array_to_string(c.reloptions, ', ') || ')',
  'WITH (...) options of tables and views (fillfactor, security_barrier, check_option, ...) are not in the model'
FROM ${SCHEMAS} CROSS JOIN pg_class c
WHERE ${inSchema('c')} AND c.relkind IN ('r', 'p', 'v', 'm') AND c.reloptions IS NOT NULL
  AND ${NOT_EXTENSION('pg_class', 'c.oid')}
UNION ALL
SELECT s.nspname, 'index storage parameters', ic.relname || ' (' || array_to_string(ic.reloptions, ', ') || ')',
  'WITH (...) options of indexes are not in the model'
FROM ${SCHEMAS} CROSS JOIN pg_class c JOIN pg_index x ON x.indrelid = c.oid JOIN pg_class ic ON ic.oid = x.indexrelid
WHERE ${inSchema('c')} AND ic.reloptions IS NOT NULL AND ${NOT_EXTENSION('pg_class', 'c.oid')}
UNION ALL
SELECT s.nspname, 'inheritance', c.relname || ' inherits ' || p.relname, 'table inheritance (other than partitions) is not in the model'
FROM ${SCHEMAS} CROSS JOIN pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid JOIN pg_class p ON p.oid = i.inhparent
WHERE ${inSchema('c')} AND NOT c.relispartition AND c.relkind = 'r' AND ${NOT_EXTENSION('pg_class', 'c.oid')}
UNION ALL
SELECT s.nspname, 'replica identity', c.relname::text, 'REPLICA IDENTITY other than the default is not in the model'
FROM ${SCHEMAS} CROSS JOIN pg_class c
WHERE ${inSchema('c')} AND c.relkind IN ('r', 'p') AND c.relreplident NOT IN ('d') AND ${NOT_EXTENSION('pg_class', 'c.oid')}
UNION ALL
SELECT s.nspname, 'clustered index', ic.relname::text, 'CLUSTER ON is not in the model'
FROM ${SCHEMAS} CROSS JOIN pg_class c JOIN pg_index x ON x.indrelid = c.oid JOIN pg_class ic ON ic.oid = x.indexrelid
WHERE ${inSchema('c')} AND x.indisclustered AND ${NOT_EXTENSION('pg_class', 'c.oid')}
UNION ALL
SELECT s.nspname, 'comment', CASE WHEN k.oid IS NOT NULL THEN 'constraint ' || k.conname || ' on ' || c.relname
                                  ELSE 'index ' || ic.relname END,
  'comments on indexes and constraints are not in the model'
FROM ${SCHEMAS} CROSS JOIN pg_class c JOIN pg_index x ON x.indrelid = c.oid JOIN pg_class ic ON ic.oid = x.indexrelid
LEFT JOIN pg_constraint k ON k.conindid = ic.oid AND k.conrelid = c.oid
WHERE ${inSchema('c')} AND ${comment('pg_class', 'ic.oid')} AND ${NOT_EXTENSION('pg_class', 'c.oid')}
UNION ALL
SELECT s.nspname, 'comment', 'constraint ' || k.conname || ' on ' || c.relname, 'comments on indexes and constraints are not in the model'
FROM ${SCHEMAS} CROSS JOIN pg_class c JOIN pg_constraint k ON k.conrelid = c.oid
WHERE ${inSchema('c')} AND ${comment('pg_constraint', 'k.oid')} AND ${NOT_EXTENSION('pg_class', 'c.oid')}
UNION ALL
SELECT s.nspname, 'comment', 'policy ' || p.polname || ' on ' || c.relname, 'comments on policies are not in the model'
FROM ${SCHEMAS} CROSS JOIN pg_class c JOIN pg_policy p ON p.polrelid = c.oid
WHERE ${inSchema('c')} AND ${comment('pg_policy', 'p.oid')}
UNION ALL
SELECT s.nspname, 'not valid constraint', k.conname || ' on ' || c.relname,
  'the model has no NOT VALID: a migration from the model would validate it'
FROM ${SCHEMAS} CROSS JOIN pg_class c JOIN pg_constraint k ON k.conrelid = c.oid
WHERE ${inSchema('c')} AND NOT k.convalidated AND ${NOT_EXTENSION('pg_class', 'c.oid')}
UNION ALL ${wholeKind(
  'operator',
  'pg_operator',
  'o',
  `o.oprname || '(' || coalesce(format_type(o.oprleft, NULL), 'NONE') || ',' || coalesce(format_type(o.oprright, NULL), 'NONE') || ')'`,
  'oprnamespace',
)}
UNION ALL ${wholeKind('operator class', 'pg_opclass', 'oc', `oc.opcname || ' using ' || (SELECT amname FROM pg_am WHERE oid = oc.opcmethod)`, 'opcnamespace')}
UNION ALL ${wholeKind(
  'operator family',
  'pg_opfamily',
  'of',
  `of.opfname || ' using ' || (SELECT amname FROM pg_am WHERE oid = of.opfmethod)`,
  'opfnamespace',
  // An operator class makes a family of the same name: listed once, as the class.
  `NOT EXISTS (SELECT 1 FROM pg_opclass oc WHERE oc.opcfamily = of.oid AND oc.opcname = of.opfname)`,
)}
UNION ALL ${wholeKind('conversion', 'pg_conversion', 'cv', 'cv.conname::text', 'connamespace')}
UNION ALL ${wholeKind('text search parser', 'pg_ts_parser', 'tp', 'tp.prsname::text', 'prsnamespace')}
UNION ALL ${wholeKind('text search template', 'pg_ts_template', 'tt', 'tt.tmplname::text', 'tmplnamespace')}
UNION ALL ${wholeKind('statistics object', 'pg_statistic_ext', 'st', 'st.stxname::text', 'stxnamespace')}
UNION ALL
SELECT s.nspname, 'default privileges', coalesce(pg_get_userbyid(da.defaclrole)::text, '') || ' on ' ||
  CASE da.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences' WHEN 'f' THEN 'functions' WHEN 'T' THEN 'types' ELSE 'schemas' END,
  'ALTER DEFAULT PRIVILEGES is not in the model'
FROM ${SCHEMAS} JOIN pg_default_acl da ON da.defaclnamespace = n.oid
ORDER BY 1, 2, 3`;

/**
 * The objects of the inspected schemas that inspection leaves out because the model has no
 * place for them yet, so that a caller can say what it did not carry over.
 */
export async function readUnmodelled(client: pg.ClientBase, scope: CatalogScope): Promise<UnmodelledObject[]> {
  return (await client.query<UnmodelledObject>(SQL, objectParams(scope))).rows;
}

/** How many objects of each kind, with the reason they share: the summary `pull` prints first. */
export function countByKind(objects: readonly UnmodelledObject[]): { kind: string; count: number; reason: string }[] {
  const kinds = new Map<string, { kind: string; count: number; reason: string }>();
  for (const o of objects) {
    const k = kinds.get(o.kind) ?? { kind: o.kind, count: 0, reason: o.reason };
    k.count++;
    kinds.set(o.kind, k);
  }
  return [...kinds.values()].sort((a, b) => b.count - a.count || (a.kind < b.kind ? -1 : 1));
}

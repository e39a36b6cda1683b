import type pg from 'pg';
import { type CatalogScope, inSchema, objectParams, SCHEMAS } from './scope.js';

/** An object of a live schema that the model cannot describe yet, so `pull` did not write it. */
export interface UnmodelledObject {
  readonly schema: string;
  /** e.g. `view`, `function`, `trigger`. */
  readonly kind: string;
  readonly name: string;
}

// Objects that belong to an extension (pg_depend deptype 'e') come with CREATE EXTENSION
// and are never listed. Each branch lists one kind of object the model lacks; a kind is
// removed here when the model learns it.
const NOT_EXTENSION = (classid: string, oid: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = '${classid}'::regclass AND e.objid = ${oid} AND e.deptype = 'e')`;

// Each branch is joined to the schemas (a LATERAL per schema would read each catalog once
// per schema: baseline checks hundreds at a time).
const SQL = `
SELECT s.nspname AS schema, 'foreign table' AS kind, c.relname::text AS name
FROM ${SCHEMAS} CROSS JOIN pg_class c
WHERE ${inSchema('c')} AND c.relkind = 'f' AND ${NOT_EXTENSION('pg_class', 'c.oid')}
UNION ALL
SELECT s.nspname, 'range type', t.typname::text
FROM ${SCHEMAS} CROSS JOIN pg_type t
WHERE ${inSchema('t', 'typnamespace')} AND ${NOT_EXTENSION('pg_type', 't.oid')} AND t.typtype = 'r'
UNION ALL
SELECT s.nspname, 'trigger', tg.tgname || ' on ' || c.relname
FROM ${SCHEMAS} CROSS JOIN pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid
WHERE ${inSchema('c')} AND NOT tg.tgisinternal AND tg.tgparentid = 0 AND c.relkind NOT IN ('r', 'p')
UNION ALL
SELECT s.nspname, 'rule', r.rulename || ' on ' || c.relname
FROM ${SCHEMAS} CROSS JOIN pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class
WHERE ${inSchema('c')} AND r.rulename <> '_RETURN'
UNION ALL
SELECT s.nspname, 'grants', c.relname::text
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
ORDER BY 1, 2, 3`;

/**
 * The objects of the inspected schemas that inspection leaves out because the model has no
 * place for them yet, so that a caller can say what it did not carry over.
 */
export async function readUnmodelled(client: pg.ClientBase, scope: CatalogScope): Promise<UnmodelledObject[]> {
  return (await client.query<UnmodelledObject>(SQL, objectParams(scope))).rows;
}

import type pg from 'pg';
import type { Sequence } from '../model/types.js';
import { type CatalogScope, extensionMember, inSchema, objectParams, SCHEMAS } from './scope.js';

export interface InspectedSequence {
  readonly schema: string;
  readonly sequence: Sequence;
}

interface Row {
  readonly schema: string;
  readonly name: string;
  readonly type: string;
  readonly start: string;
  readonly increment: string;
  readonly min: string;
  readonly max: string;
  readonly cache: string;
  readonly cycle: boolean;
  readonly comment: string | null;
}

// pg_sequence (PG 10+) holds the options; the values are int8, read as text so that none
// is rounded by a JavaScript number. A sequence is always smallint, integer or bigint, all
// in pg_catalog, so its type prints the same under any search_path.
//
// Identity columns' sequences (pg_depend deptype 'i') belong to their column. Sequences
// owned by a column ('a') are listed here; the caller drops those folded into a serial
// column (see readColumns), and keeps the others, which the column's default needs.
const SQL = `
SELECT s.nspname AS schema, q.relname::text AS name, format_type(sq.seqtypid, NULL) AS type,
       sq.seqstart::text AS start, sq.seqincrement::text AS increment,
       sq.seqmin::text AS min, sq.seqmax::text AS max, sq.seqcache::text AS cache,
       sq.seqcycle AS cycle, d.description AS comment
FROM ${SCHEMAS}
JOIN pg_class q ON ${inSchema('q')} AND q.relkind = 'S'
JOIN pg_sequence sq ON sq.seqrelid = q.oid
LEFT JOIN pg_description d ON d.objoid = q.oid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0
WHERE NOT ${extensionMember('pg_class', 'q.oid')}
  AND NOT EXISTS (
    SELECT 1 FROM pg_depend o
    WHERE o.classid = 'pg_class'::regclass AND o.objid = q.oid AND o.deptype = 'i')`;

/** The sequences of every schema in the scope, except identity sequences. */
export async function readSequences(client: pg.ClientBase, scope: CatalogScope): Promise<InspectedSequence[]> {
  const { rows } = await client.query<Row>(SQL, objectParams(scope));
  return rows.map(({ schema, ...r }) => ({ schema, sequence: { kind: 'sequence', ...r, grants: [] } }));
}

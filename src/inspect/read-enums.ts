import type pg from 'pg';
import type { Enum } from '../model/types.js';
import { type CatalogScope, extensionMember, inSchema, objectParams, SCHEMAS } from './scope.js';

export interface InspectedEnum {
  readonly schema: string;
  readonly enum: Enum;
}

interface Row {
  readonly schema: string;
  readonly name: string;
  readonly values: string[];
  readonly comment: string | null;
}

// enumsortorder, not the OID, gives the order: ALTER TYPE ... ADD VALUE BEFORE/AFTER gives
// a new label a fractional sort order between its neighbours.
/** The catalog query behind this reader (`$1` schema names, `$2` their search paths); drift fingerprints wrap it. */
export const SQL = `
SELECT s.nspname AS schema, t.typname::text AS name,
       ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) AS values,
       d.description AS comment
FROM ${SCHEMAS}
JOIN pg_type t ON ${inSchema('t', 'typnamespace')} AND t.typtype = 'e'
LEFT JOIN pg_description d ON d.objoid = t.oid AND d.classoid = 'pg_type'::regclass AND d.objsubid = 0
WHERE NOT ${extensionMember('pg_type', 't.oid')}`;

/** The enum types of every schema in the scope. */
export async function readEnums(client: pg.ClientBase, scope: CatalogScope): Promise<InspectedEnum[]> {
  const { rows } = await client.query<Row>(SQL, objectParams(scope));
  return rows.map(({ schema, ...r }) => ({ schema, enum: { kind: 'enum', ...r } }));
}

import type pg from 'pg';
import type { Extension } from '../model/types.js';
import { type CatalogScope, SCHEMAS, scopeParams } from './scope.js';

export interface InspectedExtension {
  readonly schema: string;
  readonly extension: Extension;
}

// An extension belongs to the schema it was created in (extnamespace), normally the shared
// one; plpgsql lives in pg_catalog and is never inspected.
/** The catalog query behind this reader (`$1` schema names, `$2` their search paths); drift fingerprints wrap it. */
export const SQL = `
SELECT s.nspname AS schema, x.extname::text AS name
FROM ${SCHEMAS}
JOIN pg_extension x ON x.extnamespace = n.oid`;

/** The extensions installed in each schema of the scope. */
export async function readExtensions(client: pg.ClientBase, scope: CatalogScope): Promise<InspectedExtension[]> {
  const { rows } = await client.query<{ schema: string; name: string }>(SQL, scopeParams(scope));
  return rows.map(({ schema, name }) => ({ schema, extension: { kind: 'extension', name } }));
}

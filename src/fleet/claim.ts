import type pg from 'pg';
import type { Scope } from '../model/types.js';
import { ident, literal, qualified } from '../plan/quote.js';
import { schemaUsableCheck } from './privileges.js';
import { LEDGER_SCHEMA } from './targets.js';

/** Advisory lock namespace of pgfleet ("pgfl"). */
export const LOCK_NAMESPACE = 0x7067666c;
/** SQLSTATE of "another pgfleet run has this schema". */
export const LOCKED = 'PGF01';

/**
 * The claim as a function in pgfleet's own schema: plpgsql keeps a function's compiled
 * body and plans for the session, where an inline DO block is compiled anew for every
 * schema. Its name carries a version, so a pgfleet that changes the body makes a new one.
 * No SET clause: the settings it makes must outlive the call, to the end of the transaction.
 */
const CLAIM_FUNCTION = qualified(LEDGER_SCHEMA, 'claim_v1');
const CLAIM_SIGNATURE = `${LEDGER_SCHEMA}.claim_v1(text,text,text,integer)`;

const claimBody = (schema: string, searchPath: string, lockTimeout: string, key: string) => `
  PERFORM pg_catalog.set_config('lock_timeout', ${lockTimeout}, true);
  PERFORM pg_catalog.set_config('search_path', ${searchPath}, true);
  ${schemaUsableCheck(schema)}
  IF NOT pg_catalog.pg_try_advisory_xact_lock(${LOCK_NAMESPACE}, ${key}) THEN
    RAISE EXCEPTION 'schema is being migrated by another pgfleet run' USING ERRCODE = '${LOCKED}';
  END IF;`;

const CREATE_CLAIM = `CREATE FUNCTION ${CLAIM_FUNCTION}(schema_name text, path text, lock_timeout text, lock_key integer)
RETURNS void LANGUAGE plpgsql AS $pgfleet$BEGIN${claimBody('schema_name', 'path', 'lock_timeout', 'lock_key')}
END$pgfleet$`;

/**
 * Make the claim function if it is not there (under the run lock, so two runs never race on
 * it). False when it cannot be had (a role that may not create in the pgfleet schema):
 * the run then claims each schema with an inline DO block, which does the same.
 */
export async function ensureClaimFunction(client: pg.ClientBase): Promise<boolean> {
  const there = await client.query('SELECT to_regprocedure($1) IS NOT NULL AS ok', [CLAIM_SIGNATURE]);
  if (there.rows[0].ok) return true;
  try {
    await client.query(CREATE_CLAIM);
    return true;
  } catch {
    return false;
  }
}

export const searchPathOf = (schema: string, scope: Scope, shared: string) =>
  (scope === 'shared' ? [schema] : [schema, shared]).map(ident).join(', ');

/**
 * The statement that opens a schema's transaction: its lock_timeout and search path (local
 * to the transaction), the check that the role may use and create in the schema (Postgres
 * would otherwise leave the schema out of the search path without a word, and the tenant's
 * tables would land in the shared schema after it), and the advisory lock that makes a
 * second run skip this schema instead of racing. One statement, paid once per schema.
 */
export function claimSql(
  target: { schema: string; scope: Scope; shared: string },
  lockTimeoutMs: number,
  key: number,
  viaFunction: boolean,
): string {
  const args = [
    literal(target.schema),
    literal(searchPathOf(target.schema, target.scope, target.shared)),
    literal(`${lockTimeoutMs}ms`),
    String(key),
  ];
  return viaFunction
    ? `SELECT ${CLAIM_FUNCTION}(${args.join(', ')})`
    : `DO $pgfleet$BEGIN${claimBody(args[0], args[1], args[2], args[3])}\nEND$pgfleet$`;
}

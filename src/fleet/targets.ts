import type pg from 'pg';
import type { Config } from '../config/config.js';
import { PgfleetError } from '../errors.js';
import { schemaNameProblem } from '../model/names.js';

/** Schemas pgfleet never treats as tenants, whatever `match` or `query` says. */
export const LEDGER_SCHEMA = 'pgfleet';
const NEVER_TENANTS = new Set([LEDGER_SCHEMA, 'information_schema', 'public']);

export interface TenantList {
  /** Valid tenant schema names, sorted, without duplicates. */
  readonly tenants: readonly string[];
  /** Names the configured source gave that cannot be schema names, with why. */
  readonly invalid: ReadonlyArray<{ readonly name: string; readonly problem: string }>;
}

/**
 * The tenant schemas of the fleet, from `tenants.query`, `tenants.match` or `tenants.list`
 * in one query. Names are data: each is checked, and a bad one is reported, not used.
 */
export async function listTenants(client: pg.ClientBase, config: Config): Promise<TenantList> {
  const t = config.tenants;
  let names: string[];
  if (t.list) {
    names = [...t.list];
  } else if (t.match) {
    const r = await client.query<{ nspname: string }>(
      `SELECT nspname FROM pg_namespace WHERE nspname LIKE $1 AND nspname NOT LIKE 'pg\\_%' ORDER BY 1`,
      [t.match],
    );
    names = r.rows.map((row) => row.nspname);
  } else if (t.query) {
    let r: pg.QueryResult;
    try {
      r = await client.query({ text: t.query, rowMode: 'array' });
    } catch (cause) {
      throw new PgfleetError('input', `tenants.query failed: ${(cause as Error).message}`, {
        hint: 'tenants.query in pgfleet.yaml must return one column of schema names',
        cause,
      });
    }
    names = r.rows.map((row: unknown[]) => String(row[0]));
  } else {
    names = [];
  }
  const invalid: Array<{ name: string; problem: string }> = [];
  const tenants = new Set<string>();
  for (const name of names) {
    const problem = schemaNameProblem(name);
    if (problem) invalid.push({ name, problem });
    else if (name === config.shared.schema || NEVER_TENANTS.has(name)) continue;
    else tenants.add(name);
  }
  return { tenants: [...tenants].sort(), invalid };
}

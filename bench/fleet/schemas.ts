import pg from 'pg';
import { transactionMessages } from '../../src/fleet/apply-schema.js';
import { HISTORY } from '../../src/fleet/index.js';
import { unitsOf } from '../../src/fleet/units.js';
import type { Migration } from '../../src/migrations/index.js';
import { ident, literal } from '../../src/plan/quote.js';

/** Tenant schemas of the fleet at N: `t<N>_00000` ...; its `match` pattern is `t<N>\_%`. */
export const fleetPrefix = (n: number): string => `t${n}_`;
export const fleetMatch = (n: number): string => `t${n}\\_%`;

export const names = (prefix: string, n: number): string[] =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(5, '0')}`);

// Catalog work on thousands of schemas in one transaction runs out of lock slots
// (max_locks_per_transaction); 500 per transaction stays well inside them.
const CHUNK = 500;

async function inChunks(url: string, items: readonly string[], sql: (item: string) => string): Promise<void> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    for (let i = 0; i < items.length; i += CHUNK) {
      await client.query(
        `BEGIN;\n${items
          .slice(i, i + CHUNK)
          .map(sql)
          .join(';\n')};\nCOMMIT;`,
      );
    }
  } finally {
    await client.end();
  }
}

/** Create empty schemas, as an application (or django-tenants) does before migrating them. */
export const createSchemas = (url: string, schemas: readonly string[]): Promise<void> =>
  inChunks(url, schemas, (s) => `CREATE SCHEMA ${ident(s)}`);

/**
 * Take schemas out of the fleet without the cost of dropping them (a DROP of 20 tables
 * deletes ~100 files, 50+ ms a schema here): rename them and forget their history. The
 * whole bench database is dropped at the end.
 */
export async function retire(url: string, schemas: readonly string[], tag: string): Promise<void> {
  await inChunks(url, schemas, (s) => `ALTER SCHEMA ${ident(s)} RENAME TO ${ident(`x${tag}_${s}`)}`);
  const client = new pg.Client(url);
  await client.connect();
  try {
    await client.query(`DELETE FROM ${HISTORY} WHERE schema_name = ANY($1)`, [schemas]);
  } finally {
    await client.end();
  }
}

/** The SQL pgfleet runs for a migration, wrapped as the floor runs it: one transaction with the search path. */
export const inSchema = (schema: string, shared: string, sql: string, extra = ''): string =>
  `BEGIN;\nSET LOCAL search_path = ${ident(schema)}, ${ident(shared)};\n${sql}\n${extra}COMMIT;`;

/** Undo migration `version` (its down SQL) and forget it in the ledger: the untimed reset between runs. */
export const undoScript = (schema: string, shared: string, down: string, version: string): string =>
  inSchema(
    schema,
    shared,
    down,
    `DELETE FROM ${HISTORY} WHERE schema_name = ${literal(schema)} AND version = ${literal(version)};\n`,
  );

/**
 * pgfleet's own message for one transactional migration of one schema, built by pgfleet
 * (`transactionMessages`): run by the floor's client, it splits pgfleet's gap into what its
 * SQL costs and what its client costs.
 */
export const pgfleetMessage = (schema: string, shared: string, m: Migration, lockTimeoutMs = 5000): string =>
  transactionMessages(schema, 'tenant', shared, unitsOf([m], { direction: 'up' }), {
    direction: 'up',
    lockTimeoutMs,
    retries: 0,
    claimFunction: true,
    // A fleet without failed attempts, as the bench's is.
    replacesFailure: false,
  })[0];

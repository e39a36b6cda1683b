import pg from 'pg';
import { applyStatements } from '../src/devdb/apply.js';
import { databaseUrl } from '../src/devdb/dev-database.js';
import { serverMajor } from '../src/devdb/server-major.js';
import { diff } from '../src/diff/diff.js';
import { emptyModel } from '../src/model/build.js';
import type { Model } from '../src/model/types.js';
import { plan } from '../src/plan/plan.js';
import { ident } from '../src/plan/quote.js';
import { syntheticModel } from './models.js';

/** The schema the core figures read: `syntheticModel(tables)` as a live schema. */
export const LIVE_SCHEMA = 'bench_live';
export const liveDatabase = (pid: number) => `pgfleet_bench_${pid}_live`;
export const targetDatabase = (pid: number) => `pgfleet_bench_${pid}_target`;

/** The target of the two-database diff: the model with one more column on its first table. */
export function targetModel(model: Model): Model {
  const [first, ...rest] = model.tables;
  return {
    ...model,
    tables: [{ ...first, columns: [...first.columns, { ...first.columns[3], name: 'capacity' }] }, ...rest],
  };
}

async function createSchemaFrom(url: string, model: Model): Promise<void> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${LIVE_SCHEMA} CASCADE; CREATE SCHEMA ${LIVE_SCHEMA}`);
    const p = plan(diff(emptyModel(), model), {
      scope: 'tenant',
      sharedSchema: 'public',
      serverMajor: await serverMajor(client),
    });
    await applyStatements(client, p.up, [LIVE_SCHEMA, 'public']);
  } finally {
    await client.end();
  }
}

/**
 * Two databases of their own (so that inspectors which read a whole database, as migra
 * does, read only this): `live` holds the 200-table schema, `target` the same schema with
 * one change.
 */
export async function prepareCore(
  serverUrl: string,
  tables: number,
): Promise<{ liveUrl: string; targetUrl: string; drop(): Promise<void> }> {
  const admin = new pg.Client(serverUrl);
  await admin.connect();
  const names = [liveDatabase(process.pid), targetDatabase(process.pid)];
  try {
    for (const db of names) {
      await admin.query(`DROP DATABASE IF EXISTS ${ident(db)} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${ident(db)}`);
    }
  } finally {
    await admin.end();
  }
  const liveUrl = databaseUrl(serverUrl, names[0]);
  const targetUrl = databaseUrl(serverUrl, names[1]);
  const model = syntheticModel(tables);
  await createSchemaFrom(liveUrl, model);
  await createSchemaFrom(targetUrl, targetModel(model));
  return {
    liveUrl,
    targetUrl,
    async drop() {
      const a = new pg.Client(serverUrl);
      await a.connect();
      for (const db of names) await a.query(`DROP DATABASE IF EXISTS ${ident(db)} WITH (FORCE)`).catch(() => {});
      await a.end();
    },
  };
}

/**
 * The floor of a read: one catalog query returning every column (type, default), every
 * constraint and every index definition of a schema, as Postgres prints them.
 */
export const CATALOG_QUERY = `
SELECT c.relname, 'column' AS kind, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS def, pg_get_expr(d.adbin, d.adrelid) AS extra
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
 WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')
UNION ALL
SELECT c.relname, 'constraint', con.conname, pg_get_constraintdef(con.oid), NULL
  FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = $1
UNION ALL
SELECT c.relname, 'index', i.relname, pg_get_indexdef(i.oid), NULL
  FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = $1`;

import pg from 'pg';
import { expect } from 'vitest';
import { inspectSchemas } from '../../src/inspect/index.js';
import { stored } from '../../src/model/compare.js';
import { ident } from '../../src/plan/quote.js';
import { type CliResult, runCli } from '../cli/run-cli.js';
import { withDatabase } from '../support/db.js';
import { projectDir } from '../support/project-dir.js';

let counter = 0;

/** A new empty database on the server at `serverUrl`, and its URL. */
export async function newDatabase(serverUrl: string, label: string): Promise<string> {
  const name = `adopt_${label}_${process.pid}_${counter++}`;
  const admin = new pg.Client(serverUrl);
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${ident(name)} TEMPLATE template0 ENCODING 'UTF8'`);
  } finally {
    await admin.end();
  }
  return withDatabase(serverUrl, name);
}

/** Run `work` with a connected client of `url`. */
export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** An empty project folder whose fleet is `database` and whose dev database is `devServer`. */
export async function adoptProject(database: string, devServer: string, config = ''): Promise<string> {
  return projectDir({ prefix: 'pgfleet-adopt-', devDatabase: devServer, database, config, folders: ['schema'] });
}

/** Both databases hold the same `schemas`, as pgfleet inspects them. */
export async function expectSameInspection(a: string, b: string, schemas: readonly string[], sharedSchema: string) {
  const read = (url: string) => withClient(url, (c) => inspectSchemas(c, schemas, { sharedSchema }));
  const [left, right] = [await read(a), await read(b)];
  for (const schema of schemas) {
    expect(stored(right.get(schema)!), `schema ${schema}`).toEqual(stored(left.get(schema)!));
    expect(left.get(schema)!.tables.length, `schema ${schema} has tables`).toBeGreaterThan(0);
  }
}

/** A fingerprint of every row of every table in `schemas`, to check that data was left alone. */
export async function dataFingerprint(url: string, schemas: readonly string[]): Promise<Record<string, string>> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ schema: string; table: string }>(
      `SELECT n.nspname AS schema, c.relname AS table FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p') ORDER BY 1, 2`,
      [schemas],
    );
    const out: Record<string, string> = {};
    for (const { schema, table } of rows) {
      const name = `${ident(schema)}.${ident(table)}`;
      const r = await client.query<{ n: string; md5: string | null }>(
        `SELECT count(*) AS n, md5(string_agg(t::text, '|' ORDER BY t::text)) AS md5 FROM ${name} t`,
      );
      out[`${schema}.${table}`] = `${r.rows[0].n}:${r.rows[0].md5}`;
    }
    return out;
  });
}

/** `pgfleet args` in the project `dir`, expected to succeed quietly (exit 0, nothing on stderr). */
export async function expectCliOk(dir: string, args: string[]): Promise<CliResult> {
  const r = await runCli(args, { cwd: dir });
  expect(r.stderr, `pgfleet ${args.join(' ')}`).toBe('');
  expect(r.code, `pgfleet ${args.join(' ')}`).toBe(0);
  return r;
}

import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { expect } from 'vitest';
import { inspectSchemas } from '../../src/inspect/index.js';
import { stored } from '../../src/model/compare.js';
import { ident } from '../../src/plan/quote.js';
import { withDatabase } from '../support/db.js';

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
  const dir = await mkdtemp(join(tmpdir(), 'pgfleet-adopt-'));
  await mkdir(join(dir, 'schema'), { recursive: true });
  await writeFile(join(dir, 'pgfleet.yaml'), `devDatabase: ${devServer}\ndatabase: ${database}\n${config}`);
  return dir;
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

import pg from 'pg';
import { afterAll, inject } from 'vitest';
import { ident } from '../../src/plan/quote.js';

export interface TestDatabase {
  readonly url: string;
  readonly client: pg.Client;
}

let counter = 0;

/** URL of the test server's maintenance database. */
export const serverUrl = (): string => inject('databaseUrl');

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * A new, empty database on the test server, connected, and dropped after the file's tests.
 * Parallel test files never share one.
 */
export async function testDatabase(): Promise<TestDatabase> {
  const name = `t_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const admin = new pg.Client(serverUrl());
  await admin.connect();
  await admin.query(`CREATE DATABASE ${ident(name)}`);
  await admin.end();
  const url = withDatabase(serverUrl(), name);
  const client = new pg.Client(url);
  await client.connect();
  afterAll(async () => {
    await client.end();
    const a = new pg.Client(serverUrl());
    await a.connect();
    await a.query(`DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`);
    await a.end();
  });
  return { url, client };
}

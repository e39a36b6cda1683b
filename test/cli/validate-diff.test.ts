import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { splitStatements } from '../../src/migrations/index.js';
import { serverUrl, type TestDatabase, testDatabase } from '../support/db.js';
import { runCli } from './run-cli.js';

const repo = join(import.meta.dirname, '..', '..');

/** A copy of the example project whose dev database is the test server. */
async function exampleProject(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pgfleet-cli-'));
  await cp(join(repo, 'schema'), join(dir, 'schema'), { recursive: true });
  await writeFile(join(dir, 'pgfleet.yaml'), `devDatabase: ${serverUrl()}\nshared:\n  schema: public\n`);
  return dir;
}

describe('pgfleet validate', () => {
  it('accepts the example model', async () => {
    const r = await runCli(['validate'], { cwd: await exampleProject() });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/model is valid/);
  });

  it('prints only JSON with --json', async () => {
    const r = await runCli(['validate', '--json'], { cwd: await exampleProject() });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ valid: true, shared: { schema: 'public' } });
  });

  it('reports malformed YAML with its place and exit 2, without a stack trace', async () => {
    const dir = await exampleProject();
    await writeFile(join(dir, 'schema', 'tenant', 'broken.yaml'), 'tables:\n  x:\n    columns: [\n');
    const r = await runCli(['validate'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/broken\.yaml:\d+:\d+/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('reports an unknown type found by Postgres with its place', async () => {
    const dir = await exampleProject();
    await writeFile(
      join(dir, 'schema', 'tenant', 'zz.yaml'),
      'tables:\n  zz:\n    columns:\n      a: { type: intgeer }\n',
    );
    const r = await runCli(['validate'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/zz\.yaml:4:\d+/);
    expect(r.stderr).toMatch(/intgeer/);
  });

  it('gives an error as JSON with --json', async () => {
    const dir = await exampleProject();
    await writeFile(join(dir, 'pgfleet.yaml'), `database: $${'{NOT_SET_ANYWHERE}'}\n`);
    const r = await runCli(['validate', '--json'], { cwd: dir });
    expect(r.code).toBe(2);
    const { error } = JSON.parse(r.stdout);
    expect(error.exitCode).toBe(2);
    expect(error.diagnostics[0]).toMatchObject({ file: expect.stringMatching(/pgfleet\.yaml$/), line: 1 });
    expect(error.diagnostics[0].message).toMatch(/NOT_SET_ANYWHERE/);
  });
});

describe('pgfleet diff', { timeout: 180_000 }, () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await testDatabase();
  });

  it('prints SQL that brings a live tenant schema to the model, then nothing', async () => {
    const dir = await exampleProject();
    const shared = await runCli(['diff', '--schema', 'public', '--database-url', db.url], { cwd: dir });
    expect(shared.code).toBe(0);
    expect(shared.stdout).toMatch(/CREATE TABLE/);
    await db.client.query(shared.stdout);

    await db.client.query('CREATE SCHEMA "Tenant One"');
    const tenant = await runCli(['diff', '--schema', 'Tenant One', '--database-url', db.url], { cwd: dir });
    expect(tenant.code).toBe(0);
    // As psql would run it: statement by statement (CREATE INDEX CONCURRENTLY cannot share a transaction).
    await db.client.query('SET search_path = "Tenant One", public');
    for (const statement of splitStatements(tenant.stdout)) await db.client.query(statement);
    await db.client.query('RESET search_path');

    const again = await runCli(['diff', '--schema', 'Tenant One', '--database-url', db.url], { cwd: dir });
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('');
    expect(again.stderr).toMatch(/matches the tenant model/);

    await db.client.query('ALTER TABLE "Tenant One".services_service ADD COLUMN legacy text');
    const drifted = await runCli(['diff', '--schema', 'Tenant One', '--database-url', db.url, '--json'], { cwd: dir });
    const result = JSON.parse(drifted.stdout);
    expect(result.up.map((s: { sql: string }) => s.sql)).toEqual(['ALTER TABLE services_service DROP COLUMN legacy']);
    expect(result.hazards[0].kind).toBe('deletes_data');
  });

  it('exits 3 when the database cannot be reached', async () => {
    const r = await runCli(['diff', '--schema', 'public', '--database-url', 'postgres://x:y@127.0.0.1:1/none'], {
      cwd: await exampleProject(),
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/could not connect/);
    expect(r.stderr).toMatch(/hint:/);
  });

  it('exits 2 without a database URL', async () => {
    const r = await runCli(['diff', '--schema', 'public'], { cwd: await exampleProject() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--database-url/);
  });

  it('refuses an invalid schema name', async () => {
    const r = await runCli(['diff', '--schema', 'pg_evil', '--database-url', db.url], { cwd: await exampleProject() });
    expect(r.code).toBe(2);
  });
});

import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverUrl } from '../support/db.js';
import { type DumpServer, dumpServer, schemaDump } from '../support/schema-dump.js';
import {
  adoptProject,
  dataFingerprint,
  expectCliOk,
  expectSameInspection,
  newDatabase,
  withClient,
} from './adopt-project.js';
import { largeSchema } from './large-schema.js';

/**
 * Adopting a generated schema of a real application's shape (see large-schema.ts): pull →
 * validate → generate → migrate into an empty database gives the same schemas, as pgfleet
 * inspects them and as pg_dump prints them; pull leaves nothing out silently; baseline
 * adopts the original and drift finds nothing.
 *
 * The default suite runs 20 tables (every feature is there from 20 on: one table per module);
 * 30 tables took 5.6 minutes on a 2-core machine at load 25, so the 300-table size runs in
 * the benchmark (bench/adopt.ts: pull, validate, generate), or here with
 * PGFLEET_LARGE_TABLES=300.
 */
const TABLES = Number(process.env.PGFLEET_LARGE_TABLES ?? 20);
const schema = largeSchema(TABLES);
const CONFIG = `tenants:\n  match: ${schema.tenantSchema}\n`;
const SCHEMAS = ['public', schema.tenantSchema];

let server: DumpServer;
let original: string;
let copy: string;
let dir: string;

beforeAll(async () => {
  server = await dumpServer(serverUrl());
  original = await newDatabase(server.url, 'large');
  await withClient(original, async (c) => {
    await c.query(schema.shared);
    await c.query(schema.tenant);
  });
}, 120_000);
afterAll(async () => server?.stop());

const ok = (args: string[]) => expectCliOk(dir, args);

// pg_dump qualifies every object of a schema in both dumps; a function body names them as
// written, which pull made unqualified (`app.f(x)` → `f(x)`, the same under the tenant's
// search path). Dropping the qualifier in both compares the rest exactly.
const unqualified = (dump: string) => dump.replaceAll(`${schema.tenantSchema}.`, '');

describe(`adopting a generated ${TABLES}-table schema`, { timeout: 600_000 }, () => {
  it('pull lists nothing silently; validate → generate → migrate into an empty database gives the same schemas', async () => {
    dir = await adoptProject(original, server.url, CONFIG);
    const pull = JSON.parse((await ok(['pull', '--json'])).stdout);
    expect(pull.tenant).toEqual({ schema: schema.tenantSchema, tables: TABLES });
    expect(pull.shared).toEqual({ schema: 'public', tables: 2 });
    // Extension objects (citext's type and functions, pg_trgm's operator classes, unaccent's
    // dictionary and template in public) are the extensions': neither pulled nor listed.
    expect(pull.notPulled).toEqual([]);
    expect(pull.notPulledKinds).toEqual([]);
    expect(pull.ownSchemaReferences.length).toBeGreaterThan(0);
    expect(pull.ownSchemaReferences.filter((r: { rewritten: boolean }) => !r.rewritten)).toEqual([]);

    await ok(['validate']);
    await ok(['generate', '--name', 'initial']);
    expect(await readdir(join(dir, 'generated', 'tenant'))).toEqual(['0001_initial.sql']);

    copy = await newDatabase(server.url, 'large_copy');
    await ok(['migrate', '--database-url', copy]);
    await ok(['tenant', 'create', schema.tenantSchema, '--database-url', copy]);
    await expectSameInspection(original, copy, SCHEMAS, 'public');
  });

  it('and the same schema-only pg_dump', async (ctx) => {
    if (!server.pgDump) ctx.skip(server.why);
    const pgDump = server.pgDump ?? '';
    const dump = await schemaDump(pgDump, original);
    for (const made of [
      'CREATE COLLATION app.app_ci',
      'CREATE TEXT SEARCH CONFIGURATION app.app_search',
      'CONSTRAINT not_blank CHECK',
      'CREATE CONSTRAINT TRIGGER check_row',
      'USING gin (to_tsvector',
    ]) {
      expect(dump).toContain(made);
    }
    expect(unqualified(await schemaDump(pgDump, copy))).toEqual(unqualified(dump));
  });

  it('baseline records the migrations without touching the original; drift finds nothing', async () => {
    const data = await dataFingerprint(original, SCHEMAS);
    const baseline = JSON.parse((await ok(['baseline', '--json'])).stdout);
    expect(baseline).toMatchObject({ recorded: true, summary: { matches: 2, differs: 0 } });
    const drift = JSON.parse((await ok(['drift', '--json'])).stdout);
    expect(drift.summary).toMatchObject({ schemas: 2, drifted: 0 });
    const migrate = JSON.parse((await ok(['migrate', '--json'])).stdout);
    expect(migrate.summary).toMatchObject({ applied: 0, upToDate: 2, failed: 0 });
    expect(await dataFingerprint(original, SCHEMAS)).toEqual(data);
  });
});

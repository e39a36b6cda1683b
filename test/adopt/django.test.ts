import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idOf } from '../../src/migrations/migration-id.js';
import { runCli } from '../cli/run-cli.js';
import { DJANGO_CONFIG, DJANGO_TENANTS, loadDjangoFixture } from '../fixtures/django/load.js';
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

/**
 * Adopting a Django + django-tenants database: pull its model, generate the initial
 * migrations, and check that they rebuild the same database from nothing, compared as
 * pgfleet inspects it and as pg_dump prints it.
 */
let server: DumpServer;
let original: string;
let copy: string;
let dir: string;

beforeAll(async () => {
  server = await dumpServer(serverUrl());
  original = await newDatabase(server.url, 'django');
  await withClient(original, (c) => loadDjangoFixture(c));
}, 120_000);
afterAll(async () => server?.stop());

const cli = (args: string[]) => runCli(args, { cwd: dir });
const ok = (args: string[]) => expectCliOk(dir, args);

describe('adopting the Django fixture', { timeout: 300_000 }, () => {
  it('pull → validate → generate → migrate into an empty database gives the same schemas', async () => {
    dir = await adoptProject(original, server.url, DJANGO_CONFIG);
    await ok(['pull']);
    await ok(['validate']);
    await ok(['generate', '--name', 'initial']);
    expect(await readdir(join(dir, 'generated', 'shared'))).toEqual(['0001_initial.sql']);
    expect(await readdir(join(dir, 'generated', 'tenant'))).toEqual(['0001_initial.sql']);

    copy = await newDatabase(server.url, 'django_copy');
    await ok(['migrate', '--database-url', copy]);
    for (const tenant of DJANGO_TENANTS) await ok(['tenant', 'create', tenant, '--database-url', copy]);
    await expectSameInspection(original, copy, ['public', ...DJANGO_TENANTS], 'public');
  });

  it('and the same schema-only pg_dump', async (ctx) => {
    if (!server.pgDump) ctx.skip(server.why);
    const pgDump = server.pgDump ?? '';
    const dump = await schemaDump(pgDump, original);
    for (const made of [
      'CREATE TABLE public.tenants_client',
      'CREATE TABLE tenant_b.bookings_booking',
      'DEFERRABLE INITIALLY DEFERRED',
    ]) {
      expect(dump).toContain(made);
    }
    expect(await schemaDump(pgDump, copy)).toEqual(dump);
  });

  it('baseline refuses while a tenant differs, then records the migrations without touching schema or data', async () => {
    const schemas = ['public', ...DJANGO_TENANTS];
    const data = await dataFingerprint(original, schemas);
    const dump = server.pgDump ? await schemaDump(server.pgDump, original) : '';
    const history = () =>
      withClient(original, async (c) => {
        const exists = await c.query("SELECT to_regclass('pgfleet.history') IS NOT NULL AS ok");
        if (!exists.rows[0].ok) return [];
        const r = await c.query('SELECT schema_name, scope, version, name FROM pgfleet.history ORDER BY 1, 3');
        return r.rows.map((row) => `${row.schema_name} ${row.scope} ${idOf(row)}`);
      });

    // A tenant someone changed by hand: reported with the difference and the fix, nothing recorded.
    await withClient(original, (c) => c.query('ALTER TABLE tenant_b.customers_customer ADD COLUMN nickname text'));
    const refused = await cli(['baseline']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'error: nothing recorded: 2 match, 1 differ, 0 missing, 0 skipped, 0 already managed',
    );
    expect(refused.stdout).toContain('✗ tenant_b differs from what the tenant migrations produce:');
    expect(refused.stdout).toContain('+      - name: nickname');
    expect(refused.stdout).toContain('    ALTER TABLE customers_customer DROP COLUMN nickname;');
    expect(await history()).toEqual([]);

    // Told to leave it out, the others are recorded.
    const skipped = await ok(['baseline', '--skip', 'tenant_b', '--json']);
    expect(JSON.parse(skipped.stdout)).toMatchObject({
      recorded: true,
      migrations: { shared: ['0001_initial'], tenant: ['0001_initial'] },
      summary: { matches: 2, differs: 0, skipped: 1 },
    });
    expect(await history()).toEqual(['public shared 0001_initial', 'tenant_a tenant 0001_initial']);

    // Fixed by hand, it is baselined too; the others are already managed.
    await withClient(original, (c) => c.query('ALTER TABLE tenant_b.customers_customer DROP COLUMN nickname'));
    const rest = await ok(['baseline']);
    expect(rest.stdout).toContain('1 match, 0 differ, 0 missing, 0 skipped, 2 already managed');
    expect(await history()).toEqual([
      'public shared 0001_initial',
      'tenant_a tenant 0001_initial',
      'tenant_b tenant 0001_initial',
    ]);

    // migrate has nothing to do, and nothing in the schemas or their rows changed.
    const migrate = await ok(['migrate', '--json']);
    expect(JSON.parse(migrate.stdout).summary).toMatchObject({ schemas: 3, applied: 0, upToDate: 3, failed: 0 });
    // drift compares the live catalog with what the recorded migrations produce: clean.
    const drift = await ok(['drift', '--json']);
    expect(JSON.parse(drift.stdout).summary).toMatchObject({ schemas: 3, drifted: 0 });
    expect(await dataFingerprint(original, schemas)).toEqual(data);
    if (server.pgDump) expect(await schemaDump(server.pgDump, original)).toEqual(dump);
  });
});

import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { DJANGO_CONFIG, DJANGO_TENANTS, loadDjangoFixture } from '../fixtures/django/load.js';
import { serverUrl } from '../support/db.js';
import { type DumpServer, dumpServer, schemaDump } from '../support/schema-dump.js';
import { adoptProject, expectSameInspection, newDatabase, withClient } from './adopt-project.js';

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
const ok = async (args: string[]) => {
  const r = await cli(args);
  expect(r.stderr, `pgfleet ${args.join(' ')}`).toBe('');
  expect(r.code, `pgfleet ${args.join(' ')}`).toBe(0);
  return r;
};

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
});

import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { loadPagila, type PagilaAdjustments, pagilaSql } from '../fixtures/pagila/load.js';
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
 * Adopting a real-world schema: pagila (domains, an enum, sequences, functions, an
 * aggregate, triggers, views, a materialized view, full-text columns with GiST indexes and
 * a partitioned table with 55 partitions). pull → validate → generate → migrate into an
 * empty database gives the same database, compared as pgfleet inspects it and as pg_dump
 * prints it; baseline adopts the original without touching it.
 */
const sql = pagilaSql();
if (!sql) console.warn('pagila fixture not found (../shared/fixtures/pagila from the repository root): skipping');

describe.skipIf(!sql)('adopting pagila', { timeout: 600_000 }, () => {
  let server: DumpServer;
  let original: string;
  let copy: string;
  let dir: string;
  let adjusted: PagilaAdjustments;

  beforeAll(async () => {
    server = await dumpServer(serverUrl());
    original = await newDatabase(server.url, 'pagila');
    adjusted = await withClient(original, (c) => loadPagila(c, sql ?? ''));
  }, 300_000);
  afterAll(async () => server?.stop());

  const ok = (args: string[]) => expectCliOk(dir, args);

  it('pull → validate → generate → migrate into an empty database gives the same schema', async () => {
    dir = await adoptProject(original, server.url);
    // pagila has no tenants: the whole schema is the shared scope.
    const pull = await runCli(['pull', '--json'], { cwd: dir });
    expect(pull.stderr).toBe('warning: no tenant schema found: only the shared scope was written\n');
    expect(pull.code).toBe(0);
    const pulled = JSON.parse(pull.stdout);
    expect(pulled.notPulled).toEqual([]);
    expect(pulled.shared.tables).toBeGreaterThan(60);
    await ok(['validate']);
    await ok(['generate', '--name', 'initial']);
    expect(await readdir(join(dir, 'generated', 'shared'))).toEqual(['0001_initial.sql']);

    copy = await newDatabase(server.url, 'pagila_copy');
    await ok(['migrate', '--database-url', copy]);
    await expectSameInspection(original, copy, ['public'], 'public');
  });

  it('and the same schema-only pg_dump', async (ctx) => {
    if (!server.pgDump) ctx.skip(server.why);
    const dump = await schemaDump(server.pgDump ?? '', original);
    expect(dump).toContain('CREATE MATERIALIZED VIEW public.rental_by_category');
    expect(await schemaDump(server.pgDump ?? '', copy)).toEqual(dump);
  });

  it('baseline records the initial migration without touching the original; migrate has nothing to do', async () => {
    const data = await dataFingerprint(original, ['public']);
    const dump = server.pgDump ? await schemaDump(server.pgDump, original) : '';
    const baseline = JSON.parse((await ok(['baseline', '--json'])).stdout);
    expect(baseline).toMatchObject({ recorded: true, summary: { matches: 1, differs: 0 } });
    const migrate = JSON.parse((await ok(['migrate', '--json'])).stdout);
    expect(migrate.summary).toMatchObject({ applied: 0, upToDate: 1, failed: 0 });
    const drift = JSON.parse((await ok(['drift', '--json'])).stdout);
    expect(drift.summary).toMatchObject({ schemas: 1, drifted: 0 });
    expect(await dataFingerprint(original, ['public'])).toEqual(data);
    if (server.pgDump) expect(await schemaDump(server.pgDump, original)).toEqual(dump);
    const notes = [
      adjusted.withoutVector ? 'without pgvector (no film_embedding)' : '',
      adjusted.uuidv7StandIn ? 'a uuidv7() stand-in' : '',
      adjusted.storedNotVirtual ? 'its generated column STORED' : '',
    ].filter(Boolean);
    if (notes.length > 0) console.info(`pagila adjusted to this server: ${notes.join(', ')}`);
  });
});

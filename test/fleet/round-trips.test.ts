import pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import { migrate } from '../../src/api/fleet.js';
import { applyToSchema } from '../../src/fleet/apply-schema.js';
import { CREATE_HISTORY, HISTORY } from '../../src/fleet/history.js';
import { ident } from '../../src/plan/quote.js';
import { testDatabase } from '../support/db.js';
import { fleetProject } from './fleet-project.js';
import { tenantMigration } from './tenant-migration.js';

const connectOriginal = pg.Client.prototype.connect;
const queryOriginal = pg.Client.prototype.query;

/** A real connection that counts the messages it sends. */
async function countingClient(url: string): Promise<{ client: pg.Client; sent: () => number }> {
  const client = new pg.Client(url);
  await client.connect();
  let sent = 0;
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    sent++;
    return query(...args);
  };
  return { client, sent: () => sent };
}

// The floor of a fleet run is one message per schema; anything more is paid N times.
describe('one schema, one transactional migration', () => {
  it('costs one round trip: lock, settings, DDL and history row in one message and one transaction', async () => {
    const db = await testDatabase();
    await db.client.query(`${CREATE_HISTORY}; CREATE SCHEMA tenant_a`);
    const { client, sent } = await countingClient(db.url);
    try {
      const r = await applyToSchema(
        client,
        { schema: 'tenant_a', scope: 'tenant', shared: 'public' },
        [tenantMigration('0001', 'CREATE TABLE t (id int)')],
        { direction: 'up', lockTimeoutMs: 1000, retries: 0 },
      );
      expect(r.status).toBe('applied');
      expect(sent()).toBe(1);
      const rows = await db.client.query(`SELECT version, status FROM ${HISTORY} WHERE schema_name = 'tenant_a'`);
      expect(rows.rows).toEqual([{ version: '0001', status: 'applied' }]);
      expect((await db.client.query(`SELECT to_regclass('tenant_a.t') IS NOT NULL AS ok`)).rows[0].ok).toBe(true);
    } finally {
      await client.end();
    }
  });
});

describe('a fleet run of quick migrations', { timeout: 120_000 }, () => {
  it('sends several schemas per message, and still traces a failure to its schema and migration', async () => {
    const db = await testDatabase();
    // Plain forms (a maintenance window): a UNIQUE on a table that exists is then one quick transaction.
    const fleet = await fleetProject(
      db.url,
      "tenants:\n  match: 'tenant%'\nonline: false\nallowHazards: [blocks_writes, index_build, validates]\n",
    );
    const tenants = Array.from({ length: 30 }, (_, i) => `tenant_${String(i).padStart(2, '0')}`);
    for (const t of tenants) await db.client.query(`CREATE SCHEMA ${ident(t)}`);
    await fleet.version(0);
    expect((await migrate(await fleet.project())).summary).toMatchObject({ applied: 31, failed: 0 });
    await db.client.query(`INSERT INTO tenant_12.services_service (name) VALUES ('dup'), ('dup')`);
    await fleet.version(3);

    const query = vi.spyOn(pg.Client.prototype, 'query');
    let r: Awaited<ReturnType<typeof migrate>>;
    let calls: unknown[][];
    try {
      r = await migrate(await fleet.project(), { batchBudgetMs: 60_000 });
    } finally {
      calls = [...query.mock.calls];
      query.mockRestore();
    }
    // Each schema's transaction opens with BEGIN on a line of its own: count the messages that carry one.
    const messages = calls.filter(([text]) => /^BEGIN;$/m.test(String(text))).length;
    const claims = calls.reduce((n, [text]) => n + (String(text).match(/^BEGIN;$/gm)?.length ?? 0), 0);
    expect(claims).toBeGreaterThanOrEqual(30);
    expect(messages).toBeLessThanOrEqual(6);
    expect(r.summary).toMatchObject({ applied: 29, failed: 1 });
    expect(r.results.find((x) => x.status === 'failed')).toMatchObject({
      schema: 'tenant_12',
      error: {
        migration: expect.stringMatching(/^0002_/),
        message: expect.stringMatching(/could not create unique index/),
      },
    });
    const recorded = await db.client.query<{ schema_name: string; status: string }>(
      `SELECT schema_name, status FROM ${HISTORY} WHERE version = '0002' ORDER BY 1`,
    );
    expect(recorded.rows).toHaveLength(30);
    expect(recorded.rows.filter((x) => x.status === 'failed').map((x) => x.schema_name)).toEqual(['tenant_12']);
  });
});

describe('before the first schema', { timeout: 120_000 }, () => {
  it('reads the ledger and catalogs in a fixed number of round trips, opening the pool meanwhile', async () => {
    const db = await testDatabase();
    const fleet = await fleetProject(db.url);
    for (const t of ['tenant_a', 'tenant_b', 'tenant_c']) await db.client.query(`CREATE SCHEMA ${ident(t)}`);
    await fleet.version(0);
    expect((await migrate(await fleet.project())).summary).toMatchObject({ applied: 4, failed: 0 });
    await fleet.version(1);

    // One ordered log of every client's connects and queries.
    const events: { kind: 'connect' | 'query'; client: unknown; text: string }[] = [];
    const connect = vi.spyOn(pg.Client.prototype, 'connect').mockImplementation(function (
      this: pg.Client,
      ...args: unknown[]
    ) {
      // The pool passes a callback.
      events.push({ kind: 'connect', client: this, text: '' });
      return (connectOriginal as (...a: unknown[]) => unknown).apply(this, args);
    } as never);
    const query = vi.spyOn(pg.Client.prototype, 'query').mockImplementation(function (
      this: pg.Client,
      ...args: unknown[]
    ) {
      events.push({ kind: 'query', client: this, text: String(args[0]) });
      return (queryOriginal as (...a: unknown[]) => unknown).apply(this, args);
    } as never);
    let summary: unknown;
    try {
      summary = (await migrate(await fleet.project(), { only: { scope: 'tenant' }, concurrency: 2 })).summary;
    } finally {
      connect.mockRestore();
      query.mockRestore();
    }
    expect(summary).toMatchObject({ applied: 3, failed: 0 });
    const firstSchema = events.findIndex((e) => e.kind === 'query' && /^BEGIN;$/m.test(e.text));
    const coordinator = events[0].client;
    const before = events.slice(0, firstSchema);
    // The run lock, the tenants, the ledger (one catalog check a read), the schemas, the
    // server's major and the claim function: the floor pays none of these, so they stay few.
    expect(before.filter((e) => e.kind === 'query' && e.client === coordinator).length).toBeLessThanOrEqual(10);
    // The pool's connections are being opened while the coordinator still reads.
    const firstPoolConnect = before.findIndex((e) => e.kind === 'connect' && e.client !== coordinator);
    expect(firstPoolConnect).toBeGreaterThan(0);
    expect(
      before.slice(firstPoolConnect).filter((e) => e.kind === 'query' && e.client === coordinator).length,
    ).toBeGreaterThan(0);
  });
});

import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { applyBatch, type BatchItem, BatchSizer } from '../../src/fleet/apply-batch.js';
import { schemaLockKey } from '../../src/fleet/apply-schema.js';
import { ensureClaimFunction, LOCK_NAMESPACE } from '../../src/fleet/claim.js';
import { CREATE_HISTORY, HISTORY } from '../../src/fleet/history.js';
import type { Migration } from '../../src/migrations/types.js';
import { testDatabase } from '../support/db.js';
import { tenantMigration } from './tenant-migration.js';

const SCHEMAS = ['b_0', 'b_1', 'b_2', 'b_3', 'b_4'];
const options = { direction: 'up', lockTimeoutMs: 1000, retries: 0 } as const;

/** Five tenant schemas with a table `t`; b_2 holds a row that breaks a CHECK added by 0002. */
async function setup() {
  const db = await testDatabase();
  await db.client.query(CREATE_HISTORY);
  for (const s of SCHEMAS) await db.client.query(`CREATE SCHEMA ${s}; CREATE TABLE ${s}.t (x int)`);
  await db.client.query('INSERT INTO b_2.t VALUES (-1)');
  const client = new pg.Client(db.url);
  await client.connect();
  const items = (m: Migration[]): BatchItem[] =>
    SCHEMAS.map((schema) => ({ schema, scope: 'tenant', shared: 'public', migrations: m }));
  const recorded = async () =>
    (await db.client.query(`SELECT schema_name FROM ${HISTORY} ORDER BY 1`)).rows.map((r) => r.schema_name);
  const hasCheck = async (s: string) =>
    (
      await db.client.query(
        `SELECT count(*)::int AS n FROM pg_constraint WHERE conrelid = to_regclass($1) AND contype = 'c'`,
        [`${s}.t`],
      )
    ).rows[0].n === 1;
  return { db, client, items, recorded, hasCheck };
}

describe('several schemas in one message', () => {
  it('commits every schema in one round trip, each with its history row', async () => {
    const { db, client, items, recorded, hasCheck } = await setup();
    try {
      await db.client.query('DELETE FROM b_2.t');
      let sent = 0;
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
        sent++;
        return query(...args);
      };
      const r = await applyBatch(
        client,
        db.client,
        items([tenantMigration('0002', 'ALTER TABLE t ADD CHECK (x > 0)')]),
        options,
      );
      expect(r.stoppedAt).toBeNull();
      expect(r.committed.map((c) => [c.schema, c.status])).toEqual(SCHEMAS.map((s) => [s, 'applied']));
      expect(sent).toBe(1);
      expect(await recorded()).toEqual(SCHEMAS);
      for (const s of SCHEMAS) expect(await hasCheck(s)).toBe(true);
    } finally {
      await client.end();
    }
  });

  it('stops at the schema that fails: those before it committed, it and those after it are untouched', async () => {
    const { db, client, items, recorded, hasCheck } = await setup();
    try {
      const r = await applyBatch(
        client,
        db.client,
        items([tenantMigration('0002', 'ALTER TABLE t ADD CHECK (x > 0)')]),
        options,
      );
      expect(r.stoppedAt).toBe(2);
      expect(r.committed.map((c) => c.schema)).toEqual(['b_0', 'b_1']);
      expect(r.error?.message).toMatch(/violated by some row/);
      expect(await recorded()).toEqual(['b_0', 'b_1']);
      expect(await Promise.all(SCHEMAS.map(hasCheck))).toEqual([true, true, false, false, false]);
      // The connection is usable again: no transaction was left open.
      expect((await client.query('SELECT 1 AS ok')).rows[0].ok).toBe(1);
    } finally {
      await client.end();
    }
  });

  // The claim is pgfleet's claim function once a run has made it, an inline DO block where it could not.
  it.each([false, true])(
    'stops at a schema another run holds, saying so with its code (claim function: %s)',
    async (viaFunction) => {
      const { db, client, items, recorded } = await setup();
      const other = new pg.Client(db.url);
      await other.connect();
      try {
        if (viaFunction) expect(await ensureClaimFunction(db.client)).toBe(true);
        await db.client.query('DELETE FROM b_2.t');
        await other.query('SELECT pg_advisory_lock($1, $2)', [LOCK_NAMESPACE, schemaLockKey('b_1')]);
        const r = await applyBatch(
          client,
          db.client,
          items([tenantMigration('0002', 'ALTER TABLE t ADD CHECK (x > 0)')]),
          { ...options, claimFunction: viaFunction },
        );
        expect(r.stoppedAt).toBe(1);
        expect(r.error?.code).toBe('PGF01');
        expect(await recorded()).toEqual(['b_0']);
        // The claim's settings held for the DDL: b_0's CHECK went into b_0, under its lock_timeout.
        expect(
          (
            await db.client.query(
              `SELECT count(*)::int AS n FROM pg_constraint WHERE conrelid = 'b_0.t'::regclass AND contype = 'c'`,
            )
          ).rows[0].n,
        ).toBe(1);
      } finally {
        await other.end();
        await client.end();
      }
    },
  );

  it('rolls back in one message too, telling a committed rollback by its missing history row', async () => {
    const { db, client, items, recorded, hasCheck } = await setup();
    try {
      const m = tenantMigration(
        '0002',
        'ALTER TABLE t ADD CONSTRAINT positive CHECK (x > 0)',
        'ALTER TABLE t DROP CONSTRAINT positive',
      );
      await db.client.query('DELETE FROM b_2.t');
      expect((await applyBatch(client, db.client, items([m]), options)).stoppedAt).toBeNull();
      // b_3's constraint is gone already: its rollback fails, b_0 .. b_2 are rolled back.
      await db.client.query('ALTER TABLE b_3.t DROP CONSTRAINT positive');
      const r = await applyBatch(client, db.client, items([m]), { ...options, direction: 'down' });
      expect(r.stoppedAt).toBe(3);
      expect(r.committed.map((c) => c.schema)).toEqual(['b_0', 'b_1', 'b_2']);
      expect(await recorded()).toEqual(['b_3', 'b_4']);
      expect(await Promise.all(SCHEMAS.map(hasCheck))).toEqual([false, false, false, false, true]);
    } finally {
      await client.end();
    }
  });
});

describe('batch size', () => {
  it('sends the first schema alone, then as many as fit the time budget, 20 at most, and one when slow', () => {
    const sizer = new BatchSizer(50);
    expect(sizer.next()).toBe(1);
    sizer.observe(10, 1);
    expect(sizer.next()).toBe(5);
    sizer.observe(20, 20);
    expect(sizer.next()).toBe(20);
    sizer.observe(400, 5);
    expect(sizer.next()).toBe(1);
    expect(new BatchSizer(0).next()).toBe(1);
  });
});

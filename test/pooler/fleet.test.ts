import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { baseline } from '../../src/api/baseline.js';
import { drift } from '../../src/api/drift.js';
import { createTenant, dropTenant, migrate, rollback, status } from '../../src/api/fleet.js';
import { expectFleetAtRecordedVersions } from '../faults/invariant.js';
import { appliedVersions, expectNothingLeft, poolerFleet, skipPooler } from './pooler-fleet.js';

/**
 * The fleet commands through a real PgBouncer in transaction mode whose pool (2) is smaller
 * than pgfleet's concurrency (4), so that pgfleet's connections share server connections;
 * after each, nothing of pgfleet's is left on any of them.
 */
describe.skipIf(skipPooler())('the fleet through PgBouncer in transaction mode', { timeout: 60_000 }, () => {
  const fleet = poolerFleet(6);

  it('migrates and migrates again (the run lock is released), rolls back, reports status', async () => {
    const f = fleet();
    await f.upTo(3);
    const first = await migrate(await f.project());
    expect(first.summary).toMatchObject({ schemas: 7, applied: 7, failed: 0 });
    await expectNothingLeft(f);
    // The bug: a second run was refused by the first's leaked session advisory lock.
    for (let i = 0; i < 3; i++) {
      expect((await migrate(await f.project())).summary).toMatchObject({ upToDate: 7, failed: 0 });
    }
    const back = await rollback(await f.project(), { only: { scope: 'tenant' }, steps: 1 });
    expect(back.summary).toMatchObject({ schemas: 6, applied: 6, failed: 0 });
    const s = await status(await f.project());
    expect(s.groups).toEqual([expect.objectContaining({ version: '0001', pending: 1, count: 6 })]);
    expect((await migrate(await f.project(), { concurrency: 8 })).summary).toMatchObject({ applied: 6 });
    expect(new Set((await appliedVersions(f)).get('tenant_03'))).toEqual(new Set(['0001', '0002']));
    await expectNothingLeft(f);
  });

  it('runs a non-transactional step whose statements may run in a transaction through the pooler', async () => {
    const f = fleet();
    await f.upTo(4);
    const r = await migrate(await f.project());
    expect(r.summary).toMatchObject({ applied: 6, failed: 0 });
    const comment = await f.db.client.query(
      `SELECT col_description(attrelid, attnum) AS c FROM pg_attribute
        WHERE attrelid = 'tenant_02.services_service'::regclass AND attname = 'capacity'`,
    );
    expect(comment.rows[0].c).toBe('two by default');
    await expectNothingLeft(f);
    expect((await rollback(await f.project(), { only: { scope: 'tenant' }, to: '0002' })).summary).toMatchObject({
      applied: 6,
      failed: 0,
    });
    expect((await migrate(await f.project())).summary).toMatchObject({ applied: 6, failed: 0 });
    await expectNothingLeft(f);
  });

  it('fails only a tenant whose table is held, within the lock timeout, and finishes it on rerun', async () => {
    const f = fleet();
    await rollback(await f.project(), { only: { scope: 'tenant' }, to: '0002' });
    const blocker = new pg.Client(f.directUrl);
    await blocker.connect();
    await blocker.query('BEGIN; LOCK TABLE tenant_04.services_service IN ACCESS EXCLUSIVE MODE');
    const r = await migrate(await f.project(), { lockTimeoutMs: 200, retries: 1 });
    await blocker.query('ROLLBACK');
    await blocker.end();
    expect(r.summary).toMatchObject({ applied: 5, failed: 1 });
    expect(r.results.find((x) => x.status === 'failed')).toMatchObject({ schema: 'tenant_04', attempts: 2 });
    await expectNothingLeft(f);
    expect((await migrate(await f.project())).summary).toMatchObject({ applied: 1, failed: 0 });
    await expectFleetAtRecordedVersions(await f.project());
    await expectNothingLeft(f);
  });

  it('creates and drops a tenant (the drop under the run lock)', async () => {
    const f = fleet();
    const created = await createTenant(await f.project(), 'tenant_new');
    expect(created).toMatchObject({ schema: 'tenant_new', version: '0003' });
    expect((await status(await f.project(), 'tenant_new')).tenants[0]).toMatchObject({ version: '0003', pending: [] });
    await expectNothingLeft(f);
    await dropTenant(await f.project(), 'tenant_new');
    // Twice: the first drop's run lock is released.
    expect((await createTenant(await f.project(), 'tenant_new')).migrations).toBe(3);
    await dropTenant(await f.project(), 'tenant_new');
    const left = await f.db.client.query(`SELECT nspname FROM pg_namespace WHERE nspname = 'tenant_new'`);
    expect(left.rows).toEqual([]);
    await expectNothingLeft(f);
  });

  it('finds drift, and baselines a fleet whose history was lost', async () => {
    const f = fleet();
    expect((await drift(await f.project())).schemas.filter((s) => s.drifted)).toEqual([]);
    await f.db.client.query('ALTER TABLE tenant_05.services_service ADD COLUMN by_hand text');
    const d = await drift(await f.project());
    expect(d.schemas.filter((s) => s.drifted).map((s) => s.schema)).toEqual(['tenant_05']);
    await f.db.client.query('ALTER TABLE tenant_05.services_service DROP COLUMN by_hand');
    await expectNothingLeft(f);

    await f.db.client.query('DELETE FROM pgfleet.history');
    const b = await baseline(await f.project());
    expect(b).toMatchObject({ recorded: true, summary: { matches: 7, differs: 0 } });
    expect((await appliedVersions(f)).get('tenant_06')).toEqual(['0001', '0002', '0003']);
    await expectFleetAtRecordedVersions(await f.project());
    await expectNothingLeft(f);
  });
});

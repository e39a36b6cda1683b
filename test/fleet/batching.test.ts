import { describe, expect, it } from 'vitest';
import {
  afterStop,
  BATCH_BYTES,
  type BatchItem,
  BatchSizer,
  fitsBatch,
  takeBatch,
} from '../../src/fleet/apply-batch.js';
import { type Unit, transactions, unitsOf } from '../../src/fleet/units.js';
import { tenantMigration } from './tenant-migration.js';

/** A unit's SQL; the units here are all SQL ones (a code unit has none). */
const sqlOf = (u: Unit): string | null => (u.kind === 'sql' ? u.sql : 'a code unit');

// Which schemas travel together, and what a stopped batch does next: no database.

const tx = tenantMigration('0002', 'ALTER TABLE t ADD x int', 'ALTER TABLE t DROP x');
const concurrent = { ...tenantMigration('0003', 'CREATE INDEX CONCURRENTLY i ON t (x)'), transactional: false };
const item = (schema: string, up = tx.up): BatchItem => ({
  schema,
  scope: 'tenant',
  shared: 'public',
  migrations: [{ ...tx, up }],
});

describe('units', () => {
  it('makes one unit per migration, its SQL for the direction, none when faked', () => {
    expect(unitsOf([tx], { direction: 'down' }).map((u) => [u.migration.id, sqlOf(u), u.recordsHistory])).toEqual([
      ['0002_m', 'ALTER TABLE t DROP x', true],
    ]);
    expect(sqlOf(unitsOf([tx], { direction: 'up', fake: true })[0])).toBeNull();
  });

  it('groups consecutive transactional units into one transaction; a non-transactional one stands alone', () => {
    const m4 = tenantMigration('0004', 'SELECT 1');
    const groups = transactions(unitsOf([tx, { ...tx, version: '0002b' }, concurrent, m4], { direction: 'up' }));
    expect(groups.map((g) => g.map((u) => u.migration.version))).toEqual([['0002', '0002b'], ['0003'], ['0004']]);
  });
});

describe('batching decisions', () => {
  it('batches a schema only when all its work is one transaction', () => {
    expect(fitsBatch(unitsOf([tx, tx], { direction: 'up' }))).toBe(true);
    expect(fitsBatch(unitsOf([tx, concurrent], { direction: 'up' }))).toBe(false);
    expect(fitsBatch([])).toBe(false);
  });

  it('takes up to `size` schemas and about BATCH_BYTES of SQL, never fewer than one', () => {
    const items = ['a', 'b', 'c', 'd'].map((s) => item(s));
    expect(takeBatch(items, 3).map((b) => b.schema)).toEqual(['a', 'b', 'c']);
    expect(takeBatch(items, 10)).toHaveLength(4);
    const big = 'x'.repeat(BATCH_BYTES / 2);
    const heavy = ['a', 'b', 'c'].map((s) => item(s, big));
    expect(takeBatch(heavy, 10).map((b) => b.schema)).toEqual(['a']);
    expect(takeBatch([item('a', big + big)], 10)).toHaveLength(1);
    expect(takeBatch([], 5)).toEqual([]);
  });

  it('sizes batches by the time schemas took', () => {
    const sizer = new BatchSizer(50);
    expect(sizer.next()).toBe(1);
    sizer.observe(10, 0); // nothing committed: no measure
    expect(sizer.next()).toBe(1);
    sizer.observe(2, 1);
    expect(sizer.next()).toBe(20);
    sizer.observe(100, 4);
    expect(sizer.next()).toBe(2);
  });

  it('after a stop: another run holds the schema (locked), or it runs alone, a lock timeout counting one attempt', () => {
    expect(afterStop('PGF01')).toEqual({ locked: true });
    expect(afterStop('55P03')).toEqual({ priorAttempts: 1 });
    expect(afterStop('23514')).toEqual({ priorAttempts: 0 });
    expect(afterStop(undefined)).toEqual({ priorAttempts: 0 });
  });
});

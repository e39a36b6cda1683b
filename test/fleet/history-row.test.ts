import { describe, expect, it } from 'vitest';
import { applyToSchema, transactionMessages } from '../../src/fleet/apply-schema.js';
import { CREATE_HISTORY, HISTORY } from '../../src/fleet/history.js';
import { unitsOf } from '../../src/fleet/units.js';
import { testDatabase } from '../support/db.js';
import { tenantMigration } from './tenant-migration.js';

/**
 * The applied row of a schema whose history has no failed attempt is inserted without the
 * DELETE that replaces one (ApplyOptions.replacesFailure). If a failed row is there after
 * all (written by another run since this one read the history), the insert fails on the
 * primary key: the schema's work rolls back, and the next run replaces the row.
 */
describe("a schema's history row", () => {
  const m = tenantMigration('0001', 'CREATE TABLE t (id int)');
  const o = { direction: 'up' as const, lockTimeoutMs: 1000, retries: 0 };
  const message = (replacesFailure?: boolean) =>
    transactionMessages('tenant_a', 'tenant', 'public', unitsOf([m], o), { ...o, replacesFailure }).join('');

  it('replaces a failed attempt by default, and is only inserted when the run found none', () => {
    expect(message()).toMatch(
      /DELETE FROM pgfleet\.history WHERE schema_name = 'tenant_a' AND version = '0001' AND status = 'failed';\nINSERT/,
    );
    expect(message(false)).not.toMatch(/DELETE/);
    expect(message(false)).toMatch(/INSERT INTO pgfleet\.history/);
  });

  it('fails on the primary key, changing nothing, when a failed row appeared after all; replaced when known', async () => {
    const db = await testDatabase();
    await db.client.query(`${CREATE_HISTORY}; CREATE SCHEMA tenant_a`);
    await db.client.query(
      `INSERT INTO ${HISTORY} (schema_name, scope, version, name, checksum, status, error) VALUES ('tenant_a', 'tenant', '0001', $1, $2, 'failed', 'earlier')`,
      [m.name, m.checksum],
    );
    const target = { schema: 'tenant_a', scope: 'tenant' as const, shared: 'public' };
    const blind = await applyToSchema(db.client, { ...target, replacesFailure: false }, [m], o);
    expect(blind.status).toBe('failed');
    expect(blind.error?.message).toMatch(/history_pkey/);
    const table = async () =>
      (await db.client.query("SELECT to_regclass('tenant_a.t') IS NOT NULL AS there")).rows[0].there;
    expect(await table()).toBe(false);

    const known = await applyToSchema(db.client, target, [m], o);
    expect(known.status).toBe('applied');
    expect(await table()).toBe(true);
    const rows = await db.client.query(`SELECT version, status FROM ${HISTORY} WHERE schema_name = 'tenant_a'`);
    expect(rows.rows).toEqual([{ version: '0001', status: 'applied' }]);
  });
});

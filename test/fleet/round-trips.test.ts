import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { applyToSchema } from '../../src/fleet/apply-schema.js';
import { CREATE_HISTORY, HISTORY } from '../../src/fleet/history.js';
import type { Migration } from '../../src/migrations/types.js';
import { testDatabase } from '../support/db.js';

const migration = (version: string, up: string): Migration => ({
  id: `${version}_m`,
  version,
  name: 'm',
  scope: 'tenant',
  path: `tenant/${version}_m.sql`,
  checksum: `sum-${version}`,
  transactional: true,
  requires: null,
  replaces: [],
  hazards: [],
  manual: false,
  up,
  down: '',
});

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
        [migration('0001', 'CREATE TABLE t (id int)')],
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

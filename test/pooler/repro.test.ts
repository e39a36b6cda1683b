import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/api/fleet.js';
import { ident } from '../../src/plan/quote.js';
import { fleetProject } from '../fleet/fleet-project.js';
import { type TestDatabase, testDatabase } from '../support/db.js';
import { type Pgbouncer, pgbouncerMissing, startPgbouncer } from '../support/pgbouncer.js';
import { serverUrl } from '../support/db.js';

const missing = pgbouncerMissing();
if (missing) console.warn(missing);

describe.skipIf(missing)('through PgBouncer (transaction mode, pool of 2)', () => {
  let db: TestDatabase;
  let bouncer: Pgbouncer;
  beforeAll(async () => {
    db = await testDatabase();
    bouncer = await startPgbouncer(serverUrl());
  });
  afterAll(async () => bouncer?.stop());

  it('a second migrate is not refused and no advisory lock is left', async () => {
    const name = new URL(db.url).pathname.slice(1);
    const fleet = await fleetProject(bouncer.url(name));
    for (const t of ['tenant_a', 'tenant_b', 'tenant_c']) await db.client.query(`CREATE SCHEMA ${ident(t)}`);
    await fleet.version(0);
    await migrate(await fleet.project());
    await fleet.version(1);
    const second = await migrate(await fleet.project()).catch((e) => e);
    expect(second.message ?? '').not.toMatch(/holds the lock/);
    const locks = await db.client.query(`SELECT * FROM pg_locks WHERE locktype = 'advisory'`);
    expect(locks.rows).toEqual([]);
  });
});

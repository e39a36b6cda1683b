import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { PgfleetError } from '../../src/errors.js';
import { ensureHistory } from '../../src/fleet/fleet.js';
import { RUN_LOCK, takeRunLease } from '../../src/fleet/run-lease.js';
import { type TestDatabase, testDatabase } from '../support/db.js';

/** The run lock's lease on its own (src/fleet/run-lease.ts), on the test server directly. */
describe('the run lease', () => {
  let db: TestDatabase;
  const clients: pg.Client[] = [];
  const client = async () => {
    const c = new pg.Client(db.url);
    c.on('error', () => {}); // one of them is terminated on purpose
    await c.connect();
    clients.push(c);
    return c;
  };
  beforeAll(async () => {
    db = await testDatabase();
    await ensureHistory(db.client);
    return async () => {
      for (const c of clients) await c.end().catch(() => {});
    };
  });

  it('is one row naming its holder, refused to a second run while renewed, free again once released', async () => {
    const a = await takeRunLease(await client(), db.url, 'migrate', { expiryMs: 1_200 });
    const row = await db.client.query(`SELECT owner, holder FROM ${RUN_LOCK}`);
    expect(row.rows).toEqual([
      { owner: a.owner, holder: `migrate, pid ${process.pid} on ${row.rows[0].holder.split(' on ')[1]}` },
    ]);
    const t0 = Date.now();
    const refused = await takeRunLease(await client(), db.url, 'rollback', { expiryMs: 1_200 }).catch((e) => e);
    expect(refused).toBeInstanceOf(PgfleetError);
    expect(refused.code).toBe('lock');
    expect(refused.message).toMatch(
      /another pgfleet run \(migrate, pid \d+ on .*\) holds the run lock .*not starting rollback/,
    );
    // Seen alive at its next renewal (every 200 ms for a 1.2 s lease), well before the expiry.
    expect(Date.now() - t0).toBeLessThan(1_000);
    await a.release();
    expect((await db.client.query(`SELECT 1 FROM ${RUN_LOCK}`)).rowCount).toBe(0);
    const b = await takeRunLease(await client(), db.url, 'rollback', { expiryMs: 1_200 });
    expect(b.notices).toEqual([]);
    await b.release();
  });

  it('is refused to a run that saw its holder release it (the holder was alive to its end)', async () => {
    const a = await takeRunLease(await client(), db.url, 'migrate', { expiryMs: 6_000 });
    const t0 = Date.now();
    const waiting = takeRunLease(await client(), db.url, 'migrate', { expiryMs: 6_000 }).catch((e) => e);
    await new Promise((r) => setTimeout(r, 150));
    await a.release();
    const refused = await waiting;
    expect(refused).toBeInstanceOf(PgfleetError);
    expect(refused.message).toMatch(/renewed or released/);
    // Before the holder's first renewal (every second for a 6 s lease).
    expect(Date.now() - t0).toBeLessThan(1_000);
  });

  it('is taken over from a holder that stopped renewing, after its expiry and not before, saying so', async () => {
    // A holder that died: its row stays, unrenewed, for its last 800 ms.
    await db.client.query(
      `INSERT INTO ${RUN_LOCK} VALUES (true, 'dead', 'migrate, pid 1 on elsewhere', now(), now(), clock_timestamp() + interval '800 ms')`,
    );
    const notices: string[] = [];
    const t0 = Date.now();
    const lease = await takeRunLease(await client(), db.url, 'migrate', {
      expiryMs: 5_000,
      onNotice: (m) => notices.push(m),
    });
    const waited = Date.now() - t0;
    expect(waited).toBeGreaterThanOrEqual(700);
    expect(waited).toBeLessThan(800 + 1_000);
    expect(notices[0]).toMatch(/held by migrate, pid 1 on elsewhere .*waiting up to/);
    expect(notices[1]).toMatch(/took over the run lock .* from migrate, pid 1 on elsewhere/);
    expect(lease.notices).toEqual([notices[1]]);
    await lease.release();
  });

  it('is free at once when its holder was connected straight to Postgres and that connection is gone', async () => {
    const c = await client();
    const dead = await takeRunLease(c, db.url, 'migrate', { expiryMs: 60_000 });
    expect((await db.client.query(`SELECT direct, backend_pid FROM ${RUN_LOCK}`)).rows).toEqual([
      { direct: true, backend_pid: (c as unknown as { processID: number }).processID },
    ]);
    // The holder's process dies: the server ends its backend (as after a SIGKILL).
    await db.client.query('SELECT pg_terminate_backend($1)', [(c as unknown as { processID: number }).processID]);
    const notices: string[] = [];
    const t0 = Date.now();
    const lease = await takeRunLease(await client(), db.url, 'migrate', { onNotice: (m) => notices.push(m) });
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(notices).toEqual([expect.stringMatching(/took over the run lock .*: its connection to Postgres is gone/)]);
    await dead.release();
    await lease.release();
  });

  it('knows it was lost when another run replaced it', async () => {
    const lease = await takeRunLease(await client(), db.url, 'migrate', { expiryMs: 600 });
    expect(lease.lost).toBe(false);
    await db.client.query(`UPDATE ${RUN_LOCK} SET owner = 'someone else'`);
    await new Promise((r) => setTimeout(r, 400));
    expect(lease.lost).toBe(true);
    await lease.release();
    // Releasing a lost lease leaves the other run's row alone.
    expect((await db.client.query(`SELECT owner FROM ${RUN_LOCK}`)).rows).toEqual([{ owner: 'someone else' }]);
    await db.client.query(`DELETE FROM ${RUN_LOCK}`);
  });
});

import { spawn } from 'node:child_process';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../src/api/fleet.js';
import { PgfleetError } from '../../src/errors.js';
import { ensureHistory } from '../../src/fleet/fleet.js';
import { runCli } from '../cli/run-cli.js';
import { BIN } from '../faults/fault-fleet.js';
import { expectFleetAtRecordedVersions } from '../faults/invariant.js';
import { appliedVersions, expectNothingLeft, poolerFleet, skipPooler } from './pooler-fleet.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Wait for `check` to hold, for at most `ms` (a deadline, not a count: the CLI alone may take seconds to start). */
async function until(check: () => Promise<boolean>, ms = 60_000): Promise<void> {
  for (const deadline = Date.now() + ms; !(await check()); ) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await sleep(25);
  }
}

/** The run lock (a lease row) through a transaction-mode PgBouncer: one run at a time, and a dead run's lock taken over. */
describe.skipIf(skipPooler())('the run lock through PgBouncer in transaction mode', { timeout: 90_000 }, () => {
  const fleet = poolerFleet(6);

  const holdTable = async (url: string, schema: string) => {
    const blocker = new pg.Client(url);
    await blocker.connect();
    await blocker.query(`BEGIN; LOCK TABLE ${schema}.services_service IN ACCESS EXCLUSIVE MODE`);
    return blocker;
  };
  const leaseHeld = async () =>
    (await fleet().db.client.query('SELECT 1 FROM pgfleet.run_lock WHERE expires_at > clock_timestamp()')).rowCount ===
    1;

  it('lets one of two concurrent runs work and refuses the other once it sees the holder alive', async () => {
    const f = fleet();
    await f.upTo(2);
    expect((await migrate(await f.project())).summary.failed).toBe(0);
    await f.upTo(3);
    // A held table keeps the first run working (it waits within its lock_timeout) while the second starts.
    const blocker = await holdTable(f.directUrl, 'tenant_04');
    const first = migrate(await f.project(), { lockTimeoutMs: 10_000 });
    await until(leaseHeld);
    const t0 = Date.now();
    const second = await migrate(await f.project()).catch((error: unknown) => error);
    const refusedAfter = Date.now() - t0;
    await blocker.query('ROLLBACK');
    await blocker.end();
    expect((await first).summary).toMatchObject({ applied: 6, failed: 0 });
    expect(second).toBeInstanceOf(PgfleetError);
    expect((second as PgfleetError).code).toBe('lock');
    expect((second as Error).message).toMatch(/holds the run lock .* and is alive/);
    // Refused as soon as the holder renews (every 333 ms with a 2 s expiry), not after the expiry.
    expect(refusedAfter).toBeLessThan(2_000);
    expect(new Set([...(await appliedVersions(f)).values()].map((v) => v.join()))).toEqual(
      new Set(['0001', '0001,0002']),
    );
    await expectNothingLeft(f);
  });

  it('takes over the lock of a run killed part-way (SIGKILL) after its expiry, and finishes without applying anything twice', async () => {
    const f = fleet();
    await f.upTo(4);
    const blocker = await holdTable(f.directUrl, 'tenant_04');
    const child = spawn(
      process.execPath,
      [BIN, 'migrate', '--concurrency', '1', '--lock-timeout', '30000', '--config', f.config],
      { cwd: f.dir, stdio: 'ignore', env: { ...process.env, DATABASE_URL: '' } },
    );
    // Part-way: the tenants before the held one are done, the held one waits, the rest have not started.
    const done = async () =>
      (
        await f.db.client.query(
          `SELECT count(*)::int AS n FROM pgfleet.history WHERE version = '0003' AND status = 'applied'`,
        )
      ).rows[0].n;
    await until(async () => (await done()) >= 3);
    await until(
      async () =>
        (
          await f.db.client.query(
            `SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`,
          )
        ).rowCount === 1,
    );
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    // The killed run's message still waits on the server: end it as a server that noticed would.
    await f.db.client.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`,
    );
    await blocker.query('ROLLBACK');
    await blocker.end();
    expect(await done()).toBe(3);
    expect(await leaseHeld()).toBe(true);

    const notices: string[] = [];
    let waited = Number.POSITIVE_INFINITY;
    const t0 = Date.now();
    const rerun = await migrate(await f.project(), {
      onNotice: (m) => {
        notices.push(m);
        if (m.startsWith('took over')) waited = Date.now() - t0;
      },
    });
    expect(rerun.summary).toMatchObject({ applied: 3, upToDate: 4, failed: 0 });
    expect(notices.at(-1)).toMatch(/took over the run lock .* from migrate, pid \d+ .*: its lease expired/);
    expect(rerun.notices).toEqual([notices.at(-1)]);
    // Taken over within the 2 s expiry (plus one poll and a query or two).
    expect(waited).toBeLessThan(2_000 + 1_500);
    expect(new Set([...(await appliedVersions(f)).values()].map((v) => v.join()))).toEqual(
      new Set(['0001', '0001,0002,0003']),
    );
    await expectFleetAtRecordedVersions(await f.project());
    expect(await leaseHeld()).toBe(false);
    await expectNothingLeft(f);
  });

  it('says on stderr and in its summary that it took over the lock of a holder that stopped renewing', async () => {
    const f = fleet();
    await f.upTo(2);
    await ensureHistory(f.db.client);
    // A holder that died behind the pooler: its lease stays, unrenewed, for its last second.
    await f.db.client.query(
      `INSERT INTO pgfleet.run_lock VALUES (true, 'dead', 'migrate, pid 1 on ci-7', now(), now(), clock_timestamp() + interval '1 s')`,
    );
    const r = await runCli(['migrate', '--config', f.config], { cwd: f.dir });
    expect(r.code).toBe(0);
    // (Whether it still had to wait depends on how long the CLI took to start; run-lease.test.ts times the wait.)
    expect(r.stderr).toMatch(/^pgfleet: took over the run lock on \S+ from migrate, pid 1 on ci-7: its lease expired/m);
    expect(r.stdout).toMatch(/! took over the run lock/);
    expect(await leaseHeld()).toBe(false);
  });
});

import type { ChildProcess } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/api/fleet.js';
import { type EmbeddedServer, startEmbedded } from '../../src/devdb/embedded.js';
import { PgfleetError } from '../../src/errors.js';
import { withDatabase } from '../support/db.js';
import { type FaultFleet, faultFleet, faultSeed, seeded, slowMarker, until } from './fault-fleet.js';
import { countByVersion, expectFleetAtRecordedVersions } from './invariant.js';
import { restartServer, stopRestarted } from './restart-server.js';

const N = 50;
const seed = faultSeed();

/**
 * The server restarted while `migrate` runs: a private embedded Postgres (the shared test
 * server must not go down under other test files), stopped and started again on the same
 * data directory and port, once cleanly and once as a crash.
 */
describe(`the server restarted mid-migrate (PGFLEET_FAULT_SEED=${seed})`, { timeout: 240_000 }, () => {
  let server: EmbeddedServer;
  let url: string;
  let fleet: FaultFleet;
  const postmasters: ChildProcess[] = [];
  const random = seeded(seed + 1);

  /** A fresh connection: the server's restart ends every earlier one. */
  async function query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) {
    const c = new pg.Client(url);
    await c.connect();
    try {
      return await c.query<T>(sql, params);
    } finally {
      await c.end();
    }
  }
  const atVersion = async (version: string) =>
    (
      await query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pgfleet.history WHERE version = $1 AND status = 'applied' AND scope = 'tenant'`,
        [version],
      ).catch(() => ({ rows: [{ n: 0 }] }))
    ).rows[0].n;

  beforeAll(async () => {
    server = await startEmbedded();
    const admin = new pg.Client(server.url);
    await admin.connect();
    await admin.query('CREATE DATABASE fleet');
    // The embedded server runs with synchronous_commit=off for speed, which loses the last
    // commits in a crash by design; a production server does not, and neither does this database.
    await admin.query('ALTER DATABASE fleet SET synchronous_commit = on');
    url = withDatabase(server.url, 'fleet');
    const client = new pg.Client(url);
    await client.connect();
    fleet = await faultFleet(client, url, N);
    await client.end();
    await admin.end();
  });

  afterAll(async () => {
    for (const p of postmasters) await stopRestarted(p);
    await server?.stop();
  });

  for (const [i, how] of (['fast', 'immediate'] as const).entries()) {
    it(`${how} shutdown: each tenant is migrated or not, none half-way, and a rerun completes`, async () => {
      const version = await slowMarker(fleet, `restart ${how}`, `restart_marker_${i}`);
      const target = 5 + Math.floor(random() * (N - 20));
      const run = migrate(await fleet.project(), { concurrency: 2 }).then(
        (r) => r,
        (e: unknown) => e,
      );
      expect(await until(async () => (await atVersion(version)) >= target)).toBe(true);
      const { postmaster } = await restartServer(server.url, how, Math.floor(random() * 500));
      postmasters.push(postmaster);
      const outcome = await run;
      // Either the run noticed per schema (failed ones reported, exit 1) or it lost its own
      // connection (exit 3 with "run again"); never an unexplained crash.
      if (outcome instanceof Error) {
        expect(outcome).toBeInstanceOf(PgfleetError);
        expect((outcome as PgfleetError).code).toBe('connection');
      } else {
        expect((outcome as Awaited<ReturnType<typeof migrate>>).summary.failed).toBeGreaterThan(0);
      }
      const after = countByVersion(await expectFleetAtRecordedVersions(await fleet.project()));
      expect(after[version]).toBeGreaterThanOrEqual(target);
      expect(after[version]).toBeLessThan(N);

      const rerun = await migrate(await fleet.project());
      expect(rerun.summary.failed).toBe(0);
      expect(countByVersion(await expectFleetAtRecordedVersions(await fleet.project()))[version]).toBe(N);
    });
  }
});

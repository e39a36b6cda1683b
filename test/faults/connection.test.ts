import { beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/api/fleet.js';
import { PgfleetError } from '../../src/errors.js';
import { type TestDatabase, testDatabase } from '../support/db.js';
import { type FaultFleet, faultFleet, sleep, slowMarker } from './fault-fleet.js';
import { countByVersion, expectFleetAtRecordedVersions } from './invariant.js';

const N = 50;

describe('faults during migrate', { timeout: 180_000 }, () => {
  let db: TestDatabase;
  let fleet: FaultFleet;
  beforeAll(async () => {
    db = await testDatabase();
    fleet = await faultFleet(db.client, db.url, N);
  });

  it("cutting the runner's connections mid-run leaves every schema at a recorded version, and a rerun completes", async () => {
    // A slow hand-written migration, so the cut lands while tenants are being migrated.
    const version = await slowMarker(fleet, 'slow marker', 'cut_marker');

    const run = migrate(await fleet.project(), { concurrency: 4 });
    let cuts = 0;
    for (let i = 0; i < 200 && cuts < 3; i++) {
      await sleep(60);
      const r = await db.client.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'pgfleet' AND state = 'active'`,
      );
      cuts += r.rowCount ?? 0;
    }
    const result = await run;
    expect(cuts).toBeGreaterThan(0);
    expect(result.summary.failed).toBeGreaterThan(0);
    expect(result.summary.applied + result.summary.failed).toBe(N);
    expect(countByVersion(await expectFleetAtRecordedVersions(await fleet.project()))[version]).toBe(
      result.summary.applied,
    );

    const rerun = await migrate(await fleet.project());
    expect(rerun.summary.failed).toBe(0);
    expect(countByVersion(await expectFleetAtRecordedVersions(await fleet.project()))[version]).toBe(N);
  });

  it('of three concurrent runs exactly one works', async () => {
    // The new version drops the column the first test's hand-written migration added: allowed here.
    await fleet.version(1);
    const runs = await Promise.allSettled(
      [1, 2, 3].map(async () => migrate(await fleet.project(), { allowHazards: ['deletes_data'] })),
    );
    expect(runs.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = runs.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason);
    expect(refused.map((e) => e instanceof PgfleetError && e.code)).toEqual(['lock', 'lock']);
    expect(countByVersion(await expectFleetAtRecordedVersions(await fleet.project()))['0003']).toBe(N);
  });
});

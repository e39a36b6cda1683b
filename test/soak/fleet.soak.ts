import { expect, it } from 'vitest';
import { migrate } from '../../src/api/fleet.js';
import { readMigrations } from '../../src/migrations/index.js';
import {
  exited,
  faultFleet,
  faultSeed,
  kill,
  quiet,
  seeded,
  sleep,
  slowMarker,
  spawnCli,
  until,
} from '../faults/fault-fleet.js';
import { countByVersion, expectFleetAtRecordedVersions } from '../faults/invariant.js';
import { testDatabase } from '../support/db.js';

const minutes = Number(process.env.SOAK_MINUTES ?? 5);
const tenants = Number(process.env.SOAK_TENANTS ?? 50);
const seed = faultSeed();

/**
 * Migrate and roll back a fleet again and again for SOAK_MINUTES, each run killed at a random
 * moment, cut off (every backend of the run terminated, again and again), or left alone, and
 * check after each that every schema is at a version recorded in its history, exactly.
 */
it(
  `soak: ${minutes} min of migrate/rollback with kills and cut connections (PGFLEET_FAULT_SEED=${seed})`,
  {
    timeout: (minutes + 10) * 60_000,
  },
  async () => {
    const random = seeded(seed);
    const db = await testDatabase();
    const fleet = await faultFleet(db.client, db.url, tenants);
    for (const name of ['soak_a', 'soak_b']) await slowMarker(fleet, name, name, true);
    const versions = (await readMigrations((await fleet.project()).config.migrations)).tenant.map((m) => m.version);
    const end = Date.now() + minutes * 60_000;
    for (let round = 1; Date.now() < end; round++) {
      const up = random() < 0.6;
      const args = up
        ? ['migrate']
        : ['rollback', '--tenant', '--to', versions[Math.floor(random() * (versions.length - 1))]];
      const fault = (['kill', 'cut', 'none'] as const)[Math.floor(random() * 3)];
      const child = spawnCli(fleet, [...args, '--concurrency', String(1 + Math.floor(random() * 4))]);
      // Faults land while schemas are being worked on, not while the CLI starts.
      await until(async () => {
        if (child.exitCode !== null) return true;
        const r = await db.client.query(
          `SELECT 1 FROM pg_stat_activity WHERE application_name = 'pgfleet' AND state = 'active'`,
        );
        return (r.rowCount ?? 0) > 0;
      });
      if (fault === 'kill') {
        await sleep(random() * 1500);
        await kill(child);
      } else if (fault === 'cut') {
        let running = true;
        exited(child).then(() => {
          running = false;
        });
        while (running) {
          await sleep(random() * 400);
          await db.client.query(
            `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
          );
        }
      } else {
        await exited(child);
      }
      await quiet(db.client);
      const at = countByVersion(await expectFleetAtRecordedVersions(await fleet.project()));
      console.log(`round ${round}: ${args.join(' ')} / ${fault} → ${JSON.stringify(at)}`);
    }
    expect((await migrate(await fleet.project())).summary.failed).toBe(0);
    const last = versions.at(-1) as string;
    expect(countByVersion(await expectFleetAtRecordedVersions(await fleet.project()))[last]).toBe(tenants);
  },
);

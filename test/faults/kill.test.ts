import { watch } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTenant, migrate, rollback } from '../../src/api/fleet.js';
import { generate } from '../../src/api/generate.js';
import { rehash } from '../../src/api/manual.js';
import { readMigrations } from '../../src/migrations/index.js';
import { listSqlFiles } from '../../src/migrations/list-files.js';
import { TENANT } from '../fleet/fleet-project.js';
import { type TestDatabase, testDatabase } from '../support/db.js';
import {
  type FaultFleet,
  faultFleet,
  faultSeed,
  handWritten,
  kill,
  quiet,
  seeded,
  sleep,
  slowMarker,
  spawnCli,
  until,
} from './fault-fleet.js';
import { countByVersion, expectFleetAtRecordedVersions } from './invariant.js';

const N = 50;
const seed = faultSeed();

describe(`the process killed at seeded random points (PGFLEET_FAULT_SEED=${seed})`, { timeout: 240_000 }, () => {
  let db: TestDatabase;
  let fleet: FaultFleet;
  const random = seeded(seed);
  /** A whole number in [lo, hi]. */
  const pick = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const atVersion = async (version: string) =>
    (
      await db.client.query(
        `SELECT count(*)::int AS n FROM pgfleet.history WHERE version = $1 AND status = 'applied' AND scope = 'tenant'`,
        [version],
      )
    ).rows[0].n as number;

  beforeAll(async () => {
    db = await testDatabase();
    fleet = await faultFleet(db.client, db.url, N);
  });

  it('migrate: every schema stays at a recorded version, and a rerun completes', async () => {
    const version = await slowMarker(fleet, 'kill marker', 'kill_marker', true);
    for (let i = 0; i < 3; i++) {
      const done = await atVersion(version);
      const target = pick(done + 1, N - 6);
      const child = spawnCli(fleet, ['migrate', '--concurrency', '2']);
      expect(await until(async () => child.exitCode !== null || (await atVersion(version)) >= target)).toBe(true);
      await kill(child);
      await quiet(db.client);
      const versions = countByVersion(await expectFleetAtRecordedVersions(await fleet.project()));
      expect(versions[version], `kill ${i} at ${target}`).toBeGreaterThanOrEqual(target);
      expect(versions[version], `kill ${i} at ${target}`).toBeLessThan(N);
    }
    const rerun = await migrate(await fleet.project());
    expect(rerun.summary.failed).toBe(0);
    expect(countByVersion(await expectFleetAtRecordedVersions(await fleet.project()))[version]).toBe(N);
  });

  it('rollback: every schema stays at a recorded version, and a rerun with --to completes', async () => {
    const last = (await readMigrations((await fleet.project()).config.migrations)).tenant;
    const [previous, latest] = last.slice(-2).map((m) => m.version);
    for (let i = 0; i < 2; i++) {
      const left = await atVersion(latest);
      const target = pick(6, Math.max(6, left - 3));
      // `--to` (not `--steps`): run again, it rolls back only the schemas still above it.
      const child = spawnCli(fleet, ['rollback', '--tenant', '--to', previous, '--concurrency', '2']);
      expect(await until(async () => child.exitCode !== null || (await atVersion(latest)) <= target)).toBe(true);
      await kill(child);
      await quiet(db.client);
      const versions = countByVersion(await expectFleetAtRecordedVersions(await fleet.project()));
      expect(versions[latest], `kill ${i} at ${target}`).toBeGreaterThan(0);
      expect(versions[latest], `kill ${i} at ${target}`).toBeLessThanOrEqual(target);
    }
    const rerun = await rollback(await fleet.project(), { only: { scope: 'tenant' }, to: previous });
    expect(rerun.summary.failed).toBe(0);
    await expectFleetAtRecordedVersions(await fleet.project());
    expect(await atVersion(latest)).toBe(0);
  });

  it('tenant create: the tenant is whole with its history, or not there at all', async () => {
    // A slow tenant migration keeps the creating transaction open long enough to kill inside it.
    await handWritten(fleet, 'slow create', 'SELECT pg_sleep(0.25);', 'SELECT 1;');
    const count = (await readMigrations((await fleet.project()).config.migrations)).tenant.length;
    const outcomes: string[] = [];
    for (let i = 0; i < 2; i++) {
      const name = `tenant_new_${i}`;
      const child = spawnCli(fleet, ['tenant', 'create', name]);
      await until(async () => {
        if (child.exitCode !== null) return true;
        const r = await db.client.query(
          `SELECT 1 FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%CREATE SCHEMA%' AND pid <> pg_backend_pid()`,
        );
        return (r.rowCount ?? 0) > 0;
      });
      await sleep(pick(0, 400));
      await kill(child);
      await quiet(db.client);
      const exists = (await db.client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [name])).rowCount === 1;
      const rows = (
        await db.client.query('SELECT count(*)::int AS n FROM pgfleet.history WHERE schema_name = $1', [name])
      ).rows[0].n;
      expect(rows, name).toBe(exists ? count : 0);
      outcomes.push(exists ? 'created' : 'nothing');
      await expectFleetAtRecordedVersions(await fleet.project());
      if (!exists) await createTenant(await fleet.project(), name);
    }
    expect(outcomes).toContain('nothing');
    const versions = await expectFleetAtRecordedVersions(await fleet.project());
    for (let i = 0; i < 2; i++) expect(versions.get(`tenant_new_${i}`)).toBe(String(count).padStart(4, '0'));
  });

  it('generate: never a half-written migration or a stale pgfleet.sum; a rerun completes', async () => {
    const dir = (await fleet.project()).config.migrations;
    const before = await listSqlFiles(dir);
    await writeFile(join(fleet.dir, 'schema', 'tenant', 'services.yaml'), TENANT[1]);
    const killedAt: string[] = [];
    for (let i = 0; i < 2; i++) {
      const child = spawnCli(fleet, ['generate', '--allow-destructive']);
      // Kill the first time at a random moment of its work; then as soon as it starts writing.
      let wrote: () => void = () => {};
      const writing = new Promise<void>((resolve) => {
        wrote = resolve;
      });
      const watchers = [dir, join(dir, 'tenant')].map((d) => watch(d, wrote));
      child.once('exit', wrote);
      if (i === 0) await Promise.race([sleep(pick(300, 3000)), writing]);
      else await writing;
      await sleep(pick(0, 3));
      for (const w of watchers) w.close();
      killedAt.push(child.exitCode === null ? 'killed' : 'finished');
      await kill(child);
      // The directory reads (every file parses, pgfleet.sum matches) and is the old one or the new one.
      // (Reading finishes a write that the kill interrupted after its journal: count after it.)
      const read = await readMigrations(dir);
      const added = (await listSqlFiles(dir)).filter((p) => !before.includes(p));
      expect(added.length, `after kill ${i}`).toBeLessThanOrEqual(1);
      expect(read.tenant.filter((m) => added.includes(m.path))).toHaveLength(added.length);
      if (i === 0) {
        // Back to the old directory, so that the next run writes again.
        for (const p of added) await rm(join(dir, p));
        await rehash(await fleet.project());
      } else {
        // The rerun finishes: it writes the migration the killed run did not, or finds it written.
        // (The hand-written kill marker is not in the model: the new migration drops it.)
        const again = await generate(await fleet.project(), { allowDestructive: true });
        expect(again.written, `rerun after kill ${i}`).toBe(added.length === 0);
        expect(again.upToDate, `rerun after kill ${i}`).toBe(added.length === 1);
      }
    }
    expect(killedAt).toContain('killed');
    // The destructive change was generated with --allow-destructive; migrate runs it only when its hazard is allowed too.
    expect((await migrate(await fleet.project(), { allowHazards: ['deletes_data'] })).summary.failed).toBe(0);
    await expectFleetAtRecordedVersions(await fleet.project());
  });
});

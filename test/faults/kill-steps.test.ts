import { beforeAll, describe, expect, it } from 'vitest';
import { drift } from '../../src/api/drift.js';
import { migrate, rollback, status } from '../../src/api/fleet.js';
import type { Project } from '../../src/api/project.js';
import { type TestDatabase, testDatabase } from '../support/db.js';
import {
  type FaultFleet,
  faultFleet,
  faultSeed,
  handWritten,
  kill,
  quiet,
  seeded,
  spawnCli,
  until,
} from './fault-fleet.js';
import { expectFleetAtRecordedVersions } from './invariant.js';

const N = 50;
const seed = faultSeed();

// Four steps: two transactions (the second a VALIDATE), a concurrent build, a transaction;
// each slow enough (pg_sleep) for a kill to land inside a step as often as between two.
const UP = `-- +step transaction: true
SELECT pg_sleep(0.02);
ALTER TABLE services_service ADD CONSTRAINT svc_name_len CHECK (length(name) < 1000) NOT VALID;

-- +step transaction: true
SELECT pg_sleep(0.02);
ALTER TABLE services_service VALIDATE CONSTRAINT svc_name_len;

-- +step transaction: false
CREATE INDEX CONCURRENTLY svc_name_idx ON services_service (name);

-- +step transaction: true
SELECT pg_sleep(0.02);
ALTER TABLE services_service ADD COLUMN kill_steps integer;`;
const DOWN = `-- +step transaction: true undoes: 4
SELECT pg_sleep(0.02);
ALTER TABLE services_service DROP COLUMN kill_steps;

-- +step transaction: false undoes: 3
DROP INDEX CONCURRENTLY IF EXISTS svc_name_idx;

-- +step transaction: true undoes: 1
ALTER TABLE services_service DROP CONSTRAINT svc_name_len`;

/**
 * The invariant, grown to steps: every schema is at a recorded step (history plus its
 * step_progress row; drift replays exactly that much). The one exception is the
 * non-transactional step after it (CREATE / DROP INDEX CONCURRENTLY), which cannot commit
 * with its ledger row: a kill inside it leaves that index built, half-built (INVALID) or
 * dropped, and nothing else different; the rerun repeats the step, which is rerun-safe.
 */
async function expectAtRecordedSteps(project: Project, db: TestDatabase): Promise<void> {
  const s = await status(project);
  for (const t of s.tenants) expect(t.problems, t.schema).toEqual([]);
  const invalid = new Set(
    (
      await db.client.query<{ nspname: string }>(
        `SELECT n.nspname FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid
           JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT x.indisvalid AND c.relname = 'svc_name_idx'`,
      )
    ).rows.map((r) => r.nspname),
  );
  const d = await drift(project);
  const onlyTheIndex = (x: (typeof d.schemas)[number]) =>
    x.history.length === 0 && x.differences.every((f) => f.message.includes('svc_name_idx'));
  const drifted = d.schemas
    .filter((x) => x.drifted && !invalid.has(x.schema) && !onlyTheIndex(x))
    .map((x) => `${x.schema}: ${[...x.differences, ...x.history].map((f) => f.message).join('; ')}`);
  expect(drifted, 'schemas whose catalog is not their recorded step').toEqual([]);
}

describe(
  `a migration of steps, the process killed at seeded random points (PGFLEET_FAULT_SEED=${seed})`,
  {
    timeout: 300_000,
  },
  () => {
    let db: TestDatabase;
    let fleet: FaultFleet;
    const random = seeded(seed);
    const count = async (sql: string) => (await db.client.query(sql)).rows[0].n as number;
    const applied = () =>
      count(`SELECT count(*)::int AS n FROM pgfleet.history WHERE version = '0002' AND status = 'applied'`);
    const inside = () => count(`SELECT count(*)::int AS n FROM pgfleet.step_progress`);

    beforeAll(async () => {
      db = await testDatabase();
      fleet = await faultFleet(db.client, db.url, N);
      await handWritten(fleet, 'steps', UP, DOWN);
    });

    it('migrate killed between and inside steps: every schema at a recorded step; a rerun finishes', async () => {
      let insideSeen = 0;
      for (let i = 0; i < 3; i++) {
        const child = spawnCli(fleet, ['migrate', '--concurrency', '4']);
        const target = Math.min(N - 5, (await applied()) + 3 + Math.floor(random() * 8));
        expect(await until(async () => child.exitCode !== null || (await applied()) >= target)).toBe(true);
        await kill(child);
        await quiet(db.client);
        insideSeen += await inside();
        await expectAtRecordedSteps(await fleet.project(), db);
      }
      expect(insideSeen, 'a kill left some schema inside the migration').toBeGreaterThan(0);
      const rerun = await migrate(await fleet.project());
      expect(rerun.summary.failed).toBe(0);
      expect(await applied()).toBe(N);
      expect(await inside()).toBe(0);
      await expectFleetAtRecordedVersions(await fleet.project());
      expect(await count(`SELECT count(*)::int AS n FROM pg_index WHERE NOT indisvalid`)).toBe(0);
    });

    it('rollback killed between and inside steps: every schema at a recorded step; a rerun finishes', async () => {
      for (let i = 0; i < 2; i++) {
        const child = spawnCli(fleet, ['rollback', '--tenant', '--to', '0001', '--concurrency', '4']);
        const target = Math.max(5, (await applied()) - 3 - Math.floor(random() * 8));
        expect(await until(async () => child.exitCode !== null || (await applied()) <= target)).toBe(true);
        await kill(child);
        await quiet(db.client);
        await expectAtRecordedSteps(await fleet.project(), db);
      }
      const rerun = await rollback(await fleet.project(), { only: { scope: 'tenant' }, to: '0001' });
      expect(rerun.summary.failed).toBe(0);
      expect(await applied()).toBe(0);
      expect(await inside()).toBe(0);
      await expectFleetAtRecordedVersions(await fleet.project());
    });
  },
);

// The online form `generate` writes for a CHECK whose definition changes (see
// test/cases/online/replace_check), slowed down: each down step gives back exactly the
// state of an up step, so a rollback killed between two of them is at a recorded step too.
const BEFORE = 'ALTER TABLE services_service ADD CONSTRAINT svc_name_len CHECK (length(name) < 1000)';
const REPLACE_UP = `-- +step transaction: true
SELECT pg_sleep(0.02);
ALTER TABLE services_service ADD CONSTRAINT svc_name_len_new CHECK (length(name) < 500) NOT VALID;

-- +step transaction: true
SELECT pg_sleep(0.02);
ALTER TABLE services_service VALIDATE CONSTRAINT svc_name_len_new;

-- +step transaction: true
SELECT pg_sleep(0.02);
ALTER TABLE services_service DROP CONSTRAINT svc_name_len, ADD CONSTRAINT svc_name_len CHECK (length(name) < 1000) NOT VALID;

-- +step transaction: true
SELECT pg_sleep(0.02);
ALTER TABLE services_service DROP CONSTRAINT svc_name_len;
ALTER TABLE services_service RENAME CONSTRAINT svc_name_len_new TO svc_name_len;`;
const REPLACE_DOWN = `-- +step transaction: true undoes: 4
SELECT pg_sleep(0.02);
ALTER TABLE services_service RENAME CONSTRAINT svc_name_len TO svc_name_len_new;
ALTER TABLE services_service ADD CONSTRAINT svc_name_len CHECK (length(name) < 1000) NOT VALID;

-- +step transaction: true undoes: 3
SELECT pg_sleep(0.02);
ALTER TABLE services_service VALIDATE CONSTRAINT svc_name_len;

-- +step transaction: true undoes: 1
SELECT pg_sleep(0.02);
ALTER TABLE services_service DROP CONSTRAINT IF EXISTS svc_name_len_new`;

describe(
  `a changed CHECK built before the old one goes, the process killed at seeded random points (PGFLEET_FAULT_SEED=${seed})`,
  { timeout: 300_000 },
  () => {
    let db: TestDatabase;
    let fleet: FaultFleet;
    const random = seeded(seed + 1);
    const count = async (sql: string) => (await db.client.query(sql)).rows[0].n as number;
    const applied = () =>
      count(`SELECT count(*)::int AS n FROM pgfleet.history WHERE version = '0003' AND status = 'applied'`);

    beforeAll(async () => {
      db = await testDatabase();
      fleet = await faultFleet(db.client, db.url, N);
      await handWritten(fleet, 'name_len', BEFORE, 'ALTER TABLE services_service DROP CONSTRAINT svc_name_len');
      expect((await migrate(await fleet.project())).summary.failed).toBe(0);
      await handWritten(fleet, 'name_len_shorter', REPLACE_UP, REPLACE_DOWN);
    });

    it('migrate, then rollback, each killed twice: every schema at a recorded step; the reruns finish', async () => {
      let insideSeen = 0;
      for (let i = 0; i < 2; i++) {
        const child = spawnCli(fleet, ['migrate', '--concurrency', '4']);
        const target = Math.min(N - 5, (await applied()) + 3 + Math.floor(random() * 8));
        expect(await until(async () => child.exitCode !== null || (await applied()) >= target)).toBe(true);
        await kill(child);
        await quiet(db.client);
        insideSeen += await count('SELECT count(*)::int AS n FROM pgfleet.step_progress');
        await expectAtRecordedSteps(await fleet.project(), db);
      }
      expect((await migrate(await fleet.project())).summary.failed).toBe(0);
      expect(await applied()).toBe(N);
      for (let i = 0; i < 2; i++) {
        const child = spawnCli(fleet, ['rollback', '--tenant', '--to', '0002', '--concurrency', '4']);
        const target = Math.max(5, (await applied()) - 3 - Math.floor(random() * 8));
        expect(await until(async () => child.exitCode !== null || (await applied()) <= target)).toBe(true);
        await kill(child);
        await quiet(db.client);
        insideSeen += await count('SELECT count(*)::int AS n FROM pgfleet.step_progress');
        await expectAtRecordedSteps(await fleet.project(), db);
      }
      expect(insideSeen, 'a kill left some schema inside the migration').toBeGreaterThan(0);
      const rerun = await rollback(await fleet.project(), { only: { scope: 'tenant' }, to: '0002' });
      expect(rerun.summary.failed).toBe(0);
      expect(await applied()).toBe(0);
      await expectFleetAtRecordedVersions(await fleet.project());
      // The old rule is back, valid, on every tenant.
      expect(
        await count(
          "SELECT count(*)::int AS n FROM pg_constraint WHERE conname = 'svc_name_len' AND convalidated AND pg_get_constraintdef(oid) LIKE '%1000%'",
        ),
      ).toBe(N);
    });
  },
);

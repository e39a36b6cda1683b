import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/api/fleet.js';
import { resolveWaves } from '../../src/fleet/waves.js';
import { ident } from '../../src/plan/quote.js';
import { runCli } from '../cli/run-cli.js';
import {
  type FaultFleet,
  faultFleet,
  handWritten,
  kill,
  quiet,
  slowMarker,
  spawnCli,
  until,
} from '../faults/fault-fleet.js';
import { expectFleetAtRecordedVersions } from '../faults/invariant.js';
import { type TestDatabase, testDatabase } from '../support/db.js';

const N = 60;
const CANARY = ['tenant_07', 'tenant_42'];

/** pgfleet.yaml's `rollout:` replaced by `rollout` (YAML text). */
async function setRollout(fleet: FaultFleet, rollout: string) {
  const path = join(fleet.dir, 'pgfleet.yaml');
  const text = (await readFile(path, 'utf8')).replace(/rollout:[\s\S]*$/, '');
  await writeFile(path, `${text.trimEnd()}\n${rollout}`);
}

/** Each tenant's applied migrations and failed attempts of `version`, from the ledger. */
async function touched(db: TestDatabase, version: string) {
  const r = await db.client.query<{ schema_name: string; status: string }>(
    `SELECT schema_name, status FROM pgfleet.history WHERE version = $1 AND scope = 'tenant' ORDER BY 1`,
    [version],
  );
  return {
    applied: r.rows.filter((x) => x.status === 'applied').map((x) => x.schema_name),
    failed: r.rows.filter((x) => x.status === 'failed').map((x) => x.schema_name),
    all: r.rows.map((x) => x.schema_name),
  };
}

/** A tenant migration that adds `column`; tenants in `broken` already have it, so it fails there. */
async function addColumnMigration(db: TestDatabase, fleet: FaultFleet, column: string, broken: readonly string[]) {
  const id = await handWritten(
    fleet,
    `add_${column}`,
    `ALTER TABLE services_service ADD COLUMN ${column} integer;`,
    `ALTER TABLE services_service DROP COLUMN ${column};`,
  );
  for (const t of broken)
    await db.client.query(`ALTER TABLE ${ident(t)}.services_service ADD COLUMN ${column} integer`);
  return id.slice(0, 4);
}

const fix = (db: TestDatabase, column: string, broken: readonly string[]) =>
  Promise.all(broken.map((t) => db.client.query(`ALTER TABLE ${ident(t)}.services_service DROP COLUMN ${column}`)));

describe(`rollout waves on ${N} tenants`, { timeout: 300_000 }, () => {
  let db: TestDatabase;
  let fleet: FaultFleet;
  const config = () => join(fleet.dir, 'pgfleet.yaml');

  beforeAll(async () => {
    db = await testDatabase();
    fleet = await faultFleet(db.client, db.url, N);
  });

  it('--plan lists each wave with its count, first names and what it would run; --format markdown as a table', async () => {
    await setRollout(
      fleet,
      `rollout:\n  waves:\n    - { name: canary, tenants: [${CANARY.join(', ')}, tenant_gone] }\n    - { name: early, percent: 10 }\n    - { name: rest }\n`,
    );
    const id = await addColumnMigration(db, fleet, 'plan_col', []);
    const r = await runCli(['migrate', '--plan', '--config', config()], { cwd: fleet.dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('wave canary: 2 tenants (tenant_07, tenant_42)');
    expect(r.stdout).toMatch(/wave early: 6 tenants \(tenant_\d\d, .*… \(1 more\)\)/);
    expect(r.stdout).toMatch(/wave rest: 52 tenants/);
    expect(r.stdout).toContain(`  52: ${id}_add_plan_col`);
    expect(r.stdout).toContain('! not in the fleet: tenant_gone');
    const json = JSON.parse(
      (await runCli(['migrate', '--plan', '--json', '--config', config()], { cwd: fleet.dir })).stdout,
    );
    expect(json.rollout.waves.map((w: { name: string; tenants: number }) => [w.name, w.tenants])).toEqual([
      ['canary', 2],
      ['early', 6],
      ['rest', 52],
    ]);
    const md = await runCli(['migrate', '--plan', '--format', 'markdown', '--config', config()], { cwd: fleet.dir });
    expect(md.stdout).toContain('| wave | tenants | first tenants | would run |');
    expect(md.stdout).toMatch(/\| canary \| 2 \| tenant\\_07, tenant\\_42 \| 2× `\d+_add_plan_col` \|/);
    // A query wave reads its tenants from the database.
    await setRollout(
      fleet,
      `rollout:\n  waves:\n    - { name: picked, query: "SELECT 'tenant_' || g FROM generate_series(10, 12) g" }\n    - { name: rest }\n`,
    );
    const picked = await migrate(await fleet.project(), { planOnly: true });
    expect(picked.rollout?.waves.map((w) => [w.name, w.tenants, w.first])).toEqual([
      ['picked', 3, ['tenant_10', 'tenant_11', 'tenant_12']],
      ['rest', 57, ['tenant_01', 'tenant_02', 'tenant_03', 'tenant_04', 'tenant_05']],
    ]);
    // Nothing ran.
    expect((await touched(db, id)).all).toEqual([]);
    await migrate(await fleet.project());
  });

  it('a canary failure stops the rollout before any other tenant is touched (exit 1, naming wave and tenant)', async () => {
    await setRollout(
      fleet,
      `rollout:\n  waves:\n    - { name: canary, tenants: [${CANARY.join(', ')}] }\n    - { name: early, percent: 10 }\n    - { name: rest }\n`,
    );
    const v = await addColumnMigration(db, fleet, 'canary_col', ['tenant_42']);
    const r = await runCli(['migrate', '--config', config()], { cwd: fleet.dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('rollout halted at wave canary: 1 tenant(s) failed (onError: stop)');
    expect(r.stdout).toContain('failed: tenant_42');
    const t = await touched(db, v);
    expect(t.applied).toEqual(['tenant_07']);
    expect(t.failed).toEqual(['tenant_42']);
    await fix(db, 'canary_col', ['tenant_42']);
    const again = await migrate(await fleet.project());
    expect(again.rollout?.halted).toBeNull();
    expect(again.summary).toMatchObject({ applied: N - 1, failed: 0 });
    expect((await touched(db, v)).applied).toHaveLength(N);
  });

  it('onError: continue with maxFailures: 5% goes on at the budget and halts once it is passed', async () => {
    const rollout = `rollout:\n  waves:\n    - { name: canary, tenants: [${CANARY.join(', ')}] }\n    - { name: early, percent: 50 }\n    - { name: rest }\n  onError: continue\n  maxFailures: 5%\n`;
    await setRollout(fleet, rollout);
    const [, early, rest] = resolveWaves(
      (await fleet.project()).config.rollout?.waves ?? [],
      Array.from({ length: N }, (_, i) => `tenant_${String(i + 1).padStart(2, '0')}`),
      new Map(),
    );
    expect([early.tenants.length, rest.tenants.length]).toEqual([29, 29]); // 5% of 29: 1 failure allowed

    const atBudget = await addColumnMigration(db, fleet, 'budget_one', early.tenants.slice(0, 1));
    const one = await migrate(await fleet.project());
    expect(one.rollout?.halted).toBeNull();
    expect(one.rollout?.waves.find((w) => w.name === 'early')).toMatchObject({
      failed: 1,
      allowance: 1,
      status: 'done',
    });
    expect((await touched(db, atBudget)).applied).toHaveLength(N - 1);
    await fix(db, 'budget_one', early.tenants.slice(0, 1));
    expect((await migrate(await fleet.project())).summary).toMatchObject({ applied: 1, failed: 0 });

    const broken = early.tenants.slice(3, 5);
    const passed = await addColumnMigration(db, fleet, 'budget_two', broken);
    const r = await runCli(['migrate', '--config', config()], { cwd: fleet.dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('rollout halted at wave early: 2 tenant(s) failed, more than its budget of 1');
    const t = await touched(db, passed);
    expect(t.failed).toEqual([...broken].sort());
    expect(t.applied).toHaveLength(2 + 29 - 2);
    expect(t.all.some((s) => rest.tenants.includes(s))).toBe(false);
    await fix(db, 'budget_two', broken);
    expect((await migrate(await fleet.project())).summary).toMatchObject({ applied: 2 + 29, failed: 0 });
  });

  it('pause ends the run after its wave (exit 0, saying how to continue), and the next run carries on; --wave', async () => {
    await setRollout(
      fleet,
      `rollout:\n  waves:\n    - { name: canary, tenants: [${CANARY.join(', ')}] }\n    - { name: early, percent: 10, pause: true, concurrency: 2 }\n    - { name: rest }\n`,
    );
    const v = await addColumnMigration(db, fleet, 'paused_col', []);
    const canaryOnly = await runCli(['migrate', '--wave', 'canary', '--config', config()], { cwd: fleet.dir });
    expect(canaryOnly.code).toBe(0);
    expect((await touched(db, v)).applied).toEqual(CANARY);
    expect((await runCli(['migrate', '--wave', 'nope', '--config', config()], { cwd: fleet.dir })).code).toBe(2);

    const r = await runCli(['migrate', '--config', config()], { cwd: fleet.dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'paused after wave early (pause: true); run `pgfleet migrate` again to continue with wave rest',
    );
    expect((await touched(db, v)).applied).toHaveLength(2 + 6);
    const next = await migrate(await fleet.project());
    expect(next.rollout?.paused).toBeNull();
    expect(next.summary).toMatchObject({ applied: 52, failed: 0 });
    expect((await touched(db, v)).applied).toHaveLength(N);
  });

  it('a run killed during a wave leaves every tenant at a recorded version, and a rerun finishes the rollout', async () => {
    await setRollout(
      fleet,
      `rollout:\n  waves:\n    - { name: canary, tenants: [${CANARY.join(', ')}] }\n    - { name: rest, concurrency: 1 }\n`,
    );
    const v = await slowMarker(fleet, 'slow_rollout', 'slow_col');
    const child = spawnCli(fleet, ['migrate']);
    // Kill once the rest wave has started: some tenants past the canary are done.
    await until(async () => (await touched(db, v)).applied.length >= 5 || child.exitCode !== null);
    await kill(child);
    await quiet(db.client);
    const partial = (await touched(db, v)).applied;
    expect(partial.length).toBeLessThan(N);
    expect(partial).toEqual(expect.arrayContaining(CANARY));
    await expectFleetAtRecordedVersions(await fleet.project());
    const rerun = await migrate(await fleet.project());
    expect(rerun.summary).toMatchObject({ applied: N - partial.length, failed: 0 });
    await expectFleetAtRecordedVersions(await fleet.project());
  });

  it('a tenant selected by two waves is bad input (exit 2), and nothing runs', async () => {
    await setRollout(
      fleet,
      `rollout:\n  waves:\n    - { name: canary, tenants: [tenant_07] }\n    - { name: sevens, match: '%7' }\n    - { name: rest }\n`,
    );
    const v = await addColumnMigration(db, fleet, 'twice_col', []);
    const r = await runCli(['migrate', '--tenant', '--config', config()], { cwd: fleet.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('tenant "tenant_07" is selected by waves "canary" and "sevens"');
    expect((await touched(db, v)).all).toEqual([]);
  });
});

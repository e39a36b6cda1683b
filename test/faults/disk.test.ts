import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { migrate, rollback } from '../../src/api/fleet.js';
import { rehash } from '../../src/api/manual.js';
import { PgfleetError } from '../../src/errors.js';
import { runCli } from '../cli/run-cli.js';
import { type TestDatabase, testDatabase } from '../support/db.js';
import { type FaultFleet, faultFleet } from './fault-fleet.js';
import { countByVersion, expectFleetAtRecordedVersions } from './invariant.js';

const N = 50;

/** The migration directory changed under a migrated fleet: nothing runs, the file is named. */
describe('the migration directory changed on disk', { timeout: 180_000 }, () => {
  let db: TestDatabase;
  let fleet: FaultFleet;
  let dir: string;
  let tenant2: string;
  let before: Record<string, number>;

  const history = async () =>
    (await db.client.query(`SELECT schema_name, version, status, applied_at FROM pgfleet.history ORDER BY 1, 2`)).rows;

  /** migrate refuses, telling `pattern`, and nothing ran: history is as it was. */
  const refused = async (pattern: RegExp) => {
    const rows = await history();
    const error = await migrate(await fleet.project()).catch((e) => e);
    expect(error).toBeInstanceOf(PgfleetError);
    expect((error as PgfleetError).code).toBe('input');
    const told = [(error as Error).message, ...(error as PgfleetError).diagnostics.map((d) => d.message)].join('\n');
    expect(told).toMatch(pattern);
    expect(await history()).toEqual(rows);
  };

  /** With the directory restored, every schema is where it was before the fault. */
  const unchanged = async () =>
    expect(countByVersion(await expectFleetAtRecordedVersions(await fleet.project()))).toEqual(before);

  beforeAll(async () => {
    db = await testDatabase();
    fleet = await faultFleet(db.client, db.url, N);
    await fleet.version(1);
    await migrate(await fleet.project());
    await fleet.version(2);
    // Half the fleet at 0002, half at 0003, so both applied and pending files are at stake.
    await migrate(await fleet.project());
    await rollback(await fleet.project(), { only: { schema: 'tenant_01' }, steps: 1 });
    dir = (await fleet.project()).config.migrations;
    tenant2 = join(dir, 'tenant', '0002_add_services_service_capacity.sql');
    before = countByVersion(await expectFleetAtRecordedVersions(await fleet.project()));
    expect(before).toEqual({ '0001': 1, '0002': 1, '0003': N - 1 });
  });

  it('an applied migration edited (and the sum accepted) stops migrate before anything runs, naming the file and both checksums', async () => {
    const text = await readFile(tenant2, 'utf8');
    await writeFile(tenant2, text.replace('-- +down', 'SELECT 1;\n\n-- +down'));
    const r = await runCli(['migrate', '--config', join(fleet.dir, 'pgfleet.yaml')], { cwd: fleet.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/edited since pgfleet.sum was written/);
    await rehash(await fleet.project());
    await refused(
      /0002_add_services_service_capacity.sql changed after it was applied to "tenant_\d+": history has checksum \S+, the file has \S+/,
    );
    await writeFile(tenant2, text);
    await rehash(await fleet.project());
    await unchanged();
  });

  it('a migration file removed, one added by hand, or pgfleet.sum tampered: refused until reviewed', async () => {
    const text = await readFile(tenant2, 'utf8');
    await rm(tenant2);
    await refused(/0002_add_services_service_capacity.sql: listed in pgfleet.sum but missing/);
    await writeFile(tenant2, text);
    await unchanged();

    const extra = join(dir, 'tenant', '0004_by_hand.sql');
    await writeFile(extra, text.replaceAll('0002_add_services_service_capacity', '0004_by_hand'));
    await refused(/0004_by_hand.sql: not in pgfleet.sum/);
    await rm(extra);
    await unchanged();

    const sum = join(dir, 'pgfleet.sum');
    const original = await readFile(sum, 'utf8');
    await writeFile(
      sum,
      original.replace(/(tenant\/0003\S* h1:)(\S)/, (_, a, c) => `${a}${c === 'A' ? 'B' : 'A'}`),
    );
    await refused(/pgfleet.sum itself was edited|edited since pgfleet.sum was written/);
    await writeFile(sum, original);
    await unchanged();

    const rerun = await migrate(await fleet.project());
    expect(rerun.summary).toMatchObject({ applied: 1, failed: 0 });
    expect(countByVersion(await expectFleetAtRecordedVersions(await fleet.project()))['0003']).toBe(N);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { migrate, preflight } from '../../src/api/fleet.js';
import { type FaultFleet, faultFleet, handWritten } from '../faults/fault-fleet.js';
import { type TestDatabase, testDatabase } from '../support/db.js';

/**
 * Every kind of check against a real Postgres, in the online forms (#13) and the hand-written
 * ones: tenant_01 has rows that break each, tenant_02 has none.
 */
describe('preflight checks each statement form against real rows', { timeout: 120_000 }, () => {
  let db: TestDatabase;
  let fleet: FaultFleet;
  beforeAll(async () => {
    // (handWritten pastes SQL through String.replace, where `$$` means `$`: the DO body uses a named tag.)
    db = await testDatabase();
    fleet = await faultFleet(db.client, db.url, 2);
    await fleet.version(1);
    await fleet.version(2);
    await handWritten(
      fleet,
      'tier',
      "CREATE TYPE tier AS ENUM ('a', 'b', 'c');\nALTER TABLE services_service ADD COLUMN tier tier;",
      'ALTER TABLE services_service DROP COLUMN tier;\nDROP TYPE tier;',
    );
    expect((await migrate(await fleet.project())).summary.failed).toBe(0);
    await db.client.query(`INSERT INTO tenant_01.services_service (name, code, capacity, tier)
      VALUES ('abcdef', 'x1', 0, 'c'), ('ab', 'x1', 5, 'a')`);
    await handWritten(
      fleet,
      'strict',
      `ALTER TABLE services_service ADD CONSTRAINT cap_check CHECK (capacity > 0) NOT VALID;
ALTER TABLE services_service VALIDATE CONSTRAINT cap_check;
ALTER TABLE services_service ADD CONSTRAINT cap_fk FOREIGN KEY (capacity) REFERENCES public.users_user (id) NOT VALID;
ALTER TABLE services_service VALIDATE CONSTRAINT cap_fk;
CREATE UNIQUE INDEX CONCURRENTLY code_key ON services_service (code);
ALTER TABLE services_service ADD CONSTRAINT code_key UNIQUE USING INDEX code_key;
ALTER TABLE services_service ALTER COLUMN name TYPE varchar(3);
ALTER TABLE services_service ALTER COLUMN code TYPE integer USING code::integer;
ALTER TABLE services_service ALTER COLUMN name TYPE date USING name::date;
ALTER TYPE tier RENAME TO tier__pgfleet_old;
CREATE TYPE tier AS ENUM ('a', 'b');
ALTER TABLE services_service ALTER COLUMN tier TYPE tier USING tier::text::tier;
DROP TYPE tier__pgfleet_old;
DO $body$ BEGIN PERFORM 1; END $body$;`,
      'SELECT 1;',
    );
  }, 240_000);

  it('counts the offending rows of each, names rows by primary key, and lists what it could not check', async () => {
    const r = await preflight(await fleet.project());
    // Before 16 (no pg_input_is_valid) a type change is checked by a predicate for the common
    // targets (varchar, integer here) and listed as not checked for the others (date).
    const before16 = Number((await db.client.query('SHOW server_version_num')).rows[0].server_version_num) < 160000;
    const date = 'services_service.name TYPE date';
    expect(r.errors).toEqual([]);
    expect(r.schemas).toBe(2);
    expect(r.failures.every((f) => f.schema === 'tenant_01')).toBe(true);
    expect(r.failures.map((f) => [f.kind, f.constraint, f.rows])).toEqual([
      ['check', 'cap_check', 1],
      ['foreign_key', 'cap_fk', 2],
      ['unique', 'code_key', 2],
      ['cast', 'services_service.name TYPE varchar(3)', 1],
      ['cast', 'services_service.code TYPE integer', 2],
      ...(before16 ? [] : [['cast', date, 2]]),
      ['enum', 'services_service.tier TYPE tier', 1],
    ]);
    expect(r.failures.find((f) => f.constraint === 'code_key')?.examples).toEqual(['x1']);
    expect(r.failures.find((f) => f.constraint === 'cap_check')?.examples).toEqual(['1']);
    expect(r.unchecked).toEqual([
      expect.objectContaining({
        statement: 'DO $body$ BEGIN PERFORM 1; END $body$',
        reason: 'not a statement form preflight knows',
      }),
      ...(before16 ? [expect.objectContaining({ statement: date, reason: expect.stringMatching(/Postgres 16/) })] : []),
    ]);
  });

  it('reports a check that cannot run (a statement timeout) as not checked, and the others still run', async () => {
    await db.client.query(
      `INSERT INTO tenant_02.services_service (name, code, capacity) SELECT 'n' || i, i::text, 1 FROM generate_series(1, 200000) i`,
    );
    const r = await preflight(await fleet.project(), { only: { schema: 'tenant_02' }, statementTimeoutMs: 1 });
    expect(r.errors.length).toBeGreaterThan(0);
    expect(r.errors[0].message).toMatch(/statement timeout/);
  });
});

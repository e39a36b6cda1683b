import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { drift } from '../../src/api/drift.js';
import { migrate, rollback } from '../../src/api/fleet.js';
import type { DriftResult } from '../../src/drift/types.js';
import { splitStatements } from '../../src/migrations/index.js';
import { ident } from '../../src/plan/quote.js';
import { runCli } from '../cli/run-cli.js';
import { type TestDatabase, testDatabase } from '../support/db.js';
import { type DriftProject, driftProject } from './drift-project.js';

const N = 30;
const tenants = Array.from({ length: N }, (_, i) => `tenant_${String(i + 1).padStart(2, '0')}`);

/** What is done by hand to which tenants, and the one difference each group must report. */
const TAMPERING: ReadonlyArray<{ schemas: string[]; sql: string; message: RegExp }> = [
  {
    schemas: ['tenant_03', 'tenant_04'],
    sql: 'ALTER TABLE bookings_booking ADD COLUMN legacy_code text',
    message: /^extra column bookings_booking\.legacy_code \(text\)$/,
  },
  {
    schemas: ['tenant_05', 'tenant_06', 'tenant_07'],
    sql: 'DROP INDEX bookings_booking_status_idx',
    message: /^missing index bookings_booking_status_idx on bookings_booking$/,
  },
  {
    schemas: ['tenant_08'],
    sql: 'ALTER TABLE bookings_booking ALTER COLUMN seats SET DEFAULT 2',
    message: /^column bookings_booking\.seats differs: default '2' \(expected '1'\)$/,
  },
  {
    schemas: ['tenant_09', 'tenant_10'],
    sql: 'ALTER TABLE bookings_booking DROP CONSTRAINT bookings_booking_seats_check, ADD CONSTRAINT bookings_booking_seats_check CHECK (seats >= 0)',
    message:
      /^check constraint bookings_booking_seats_check on bookings_booking differs: CHECK \(\(seats >= 0\)\) \(expected CHECK \(\(seats > 0\)\)\)$/,
  },
  {
    schemas: ['tenant_11'],
    sql: 'CREATE TABLE scratch_notes (id integer PRIMARY KEY, body text)',
    message: /^extra table scratch_notes$/,
  },
  {
    schemas: ['tenant_12', 'tenant_13'],
    sql: "ALTER TYPE booking_status ADD VALUE 'waitlisted'",
    message: /^enum booking_status has extra value 'waitlisted'$/,
  },
];

const sorted = (xs: readonly string[]) => [...xs].sort();

describe('drift across the shared schema and 30 tenants', () => {
  let db: TestDatabase;
  let fleet: DriftProject;
  const cli = (...args: string[]) => runCli([...args, '--config', fleet.config], { cwd: fleet.dir });

  beforeAll(async () => {
    db = await testDatabase();
    fleet = await driftProject(db.url);
    for (const t of tenants) await db.client.query(`CREATE SCHEMA ${ident(t)}`);
    await fleet.version(0);
    await fleet.version(1);
    const r = await migrate(await fleet.project());
    expect(r.summary).toMatchObject({ schemas: N + 1, failed: 0 });
  });

  it('reports nothing for a clean fleet, with pending migrations as information; exit 0', async () => {
    await rollback(await fleet.project(), { only: { schema: 'tenant_30' }, steps: 1 });
    const r = await drift(await fleet.project());
    expect(r).toMatchObject({
      clean: true,
      groups: [],
      summary: { schemas: N + 1, drifted: 0, clean: N + 1, pending: 1, missing: 0 },
    });
    expect(r.schemas[0]).toMatchObject({ schema: 'public', scope: 'shared', drifted: false, expected: '0001_initial' });
    expect(r.schemas.find((s) => s.schema === 'tenant_30')).toMatchObject({
      drifted: false,
      pending: ['0002_add_bookings_booking_note'],
    });
    // Two expected states (0001 and 0002) of tenants, the shared one: three schemas read in full.
    expect(r.stats.inspected).toBe(3);

    const run = await cli('drift');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^31 schemas compared with what their applied migrations produce: 0 drifted, 31 clean/);
    expect(run.stdout).toMatch(/1 schema has migrations pending .*: tenant_30/);
    await migrate(await fleet.project());
  });

  it('reports each kind of drift for exactly the tenants that have it, grouped; exit 1', async () => {
    for (const t of TAMPERING) {
      for (const s of t.schemas)
        await db.client.query(`SET search_path = ${ident(s)}, public; ${t.sql}; RESET search_path`);
    }
    // A migration that ran, whose history row is lost; and a row of a migration nobody has.
    await db.client.query(`DELETE FROM pgfleet.history WHERE schema_name = 'tenant_14' AND version = '0002'`);
    await db.client.query(
      `INSERT INTO pgfleet.history (schema_name, scope, version, name, checksum, status) VALUES ('tenant_15', 'tenant', '0099', 'hotfix', 'x', 'applied')`,
    );

    const r = await drift(await fleet.project());
    expect(r.clean).toBe(false);
    const expectedDrifted = [...TAMPERING.flatMap((t) => t.schemas), 'tenant_14', 'tenant_15'];
    expect(sorted(r.schemas.filter((s) => s.drifted).map((s) => s.schema))).toEqual(sorted(expectedDrifted));
    expect(r.summary).toMatchObject({ schemas: N + 1, drifted: expectedDrifted.length, groups: TAMPERING.length + 2 });
    for (const t of TAMPERING) {
      const g = r.groups.find((x) => x.schemas.includes(t.schemas[0]));
      expect(g, t.sql).toBeDefined();
      expect(sorted(g!.schemas)).toEqual(sorted(t.schemas));
      expect(g!.count).toBe(t.schemas.length);
      expect(g!.differences.map((d) => d.message)).toEqual([expect.stringMatching(t.message)]);
      expect(g!.history).toEqual([]);
      expect(g!.diff).toMatch(/^--- expected\/tenant_\d\d\n\+\+\+ live\/tenant_\d\d\n@@/);
    }
    expect(r.groups[0].schemas).toEqual(['tenant_05', 'tenant_06', 'tenant_07']);
    expect(r.groups[0].diff).toMatch(/^-\s+bookings_booking_status_idx:/m);
    const lost = r.groups.find((g) => g.schemas.includes('tenant_14'))!;
    expect(lost).toMatchObject({
      count: 1,
      differences: [],
      history: [{ kind: 'missing_history', migration: '0002_add_bookings_booking_note' }],
    });
    const ghost = r.groups.find((g) => g.schemas.includes('tenant_15'))!;
    expect(ghost).toMatchObject({
      count: 1,
      differences: [],
      history: [{ kind: 'unknown_migration', migration: '0099_hotfix' }],
    });
    for (const s of r.schemas.filter((x) => x.drifted)) expect(r.groups[s.group!].schemas).toContain(s.schema);

    const run = await cli('drift');
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(
      /^31 schemas compared with what their applied migrations produce: 13 drifted \(8 ways\), 18 clean$/m,
    );
    expect(run.stdout).toMatch(
      /^✗ 3 tenants missing index bookings_booking_status_idx on bookings_booking\n {4}tenant_05, tenant_06, tenant_07\n {4}--- expected\/tenant_05\n/m,
    );
    expect(run.stdout).toMatch(/^✗ 2 tenants with extra column bookings_booking\.legacy_code \(text\)$/m);
    expect(run.stdout).toMatch(/^ {4}\+ {6}legacy_code: \{ type: text, nullable: true \}$/m);

    const json = await cli('drift', '--json');
    expect(json.code).toBe(1);
    const parsed = JSON.parse(json.stdout) as DriftResult;
    expect(parsed.schemas).toHaveLength(N + 1);
    expect(parsed.summary).toEqual(r.summary);
    expect(parsed.schemas.find((s) => s.schema === 'tenant_08')).toMatchObject({
      drifted: true,
      expected: '0002_add_bookings_booking_note',
      differences: [{ kind: 'changed', object: 'column bookings_booking.seats', repair: 'alter_column' }],
    });

    const one = await cli('drift', '--schema', 'tenant_11', '--json');
    expect(one.code).toBe(1);
    expect(JSON.parse(one.stdout)).toMatchObject({
      summary: { schemas: 1, drifted: 1 },
      groups: [{ schemas: ['tenant_11'] }],
    });
    const shared = await cli('drift', '--shared');
    expect(shared.code, shared.stdout).toBe(0);
  });

  it('finds the same in batches of 4 schemas, reading each distinct schema in full once whichever batch meets it', async () => {
    const whole = await drift(await fleet.project());
    const batched = await drift(await fleet.project(), { batchSize: 4 });
    const { stats: a, ...wholeRest } = whole;
    const { stats: b, ...batchedRest } = batched;
    expect(batchedRest).toEqual(wholeRest);
    expect(b.fingerprints).toBe(a.fingerprints);
    expect(b.inspected).toBe(a.fingerprints);
    expect(b.fingerprints).toBeLessThan(N);
  });

  it('prints SQL that, applied statement by statement, makes the fleet clean', async () => {
    const run = await cli('drift', '--fix-sql');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/13 drifted/);
    expect(run.stdout).toMatch(
      /^BEGIN;\nSET LOCAL search_path = tenant_05, public;\n(-- hazard .*\n)+CREATE INDEX bookings_booking_status_idx ON bookings_booking \(status\);\nCOMMIT;$/m,
    );
    expect(run.stdout).toMatch(/^-- hazard deletes_data: .*legacy_code/m);
    expect(run.stdout).toMatch(
      /^-- not repaired: 0099_hotfix is recorded as applied, but is not in the migration directory$/m,
    );
    const client = new pg.Client(db.url);
    await client.connect();
    try {
      for (const statement of splitStatements(run.stdout)) await client.query(statement);
    } finally {
      await client.end();
    }
    // The lost history row is back; the unknown one is for a human to look into.
    const after = await drift(await fleet.project());
    expect(after.schemas.filter((s) => s.drifted).map((s) => s.schema)).toEqual(['tenant_15']);
    await db.client.query(`DELETE FROM pgfleet.history WHERE schema_name = 'tenant_15' AND version = '0099'`);
    const clean = await cli('drift');
    expect(clean.code, clean.stdout).toBe(0);
  });

  it('compares with the model when asked, which differs from history while a change is not generated', async () => {
    await fleet.version(0, false);
    const history = await drift(await fleet.project(), { only: { schema: 'tenant_01' } });
    expect(history.clean).toBe(true);
    const model = await drift(await fleet.project(), { only: { schema: 'tenant_01' }, against: 'model' });
    expect(model.clean).toBe(false);
    expect(model.groups[0].differences.map((d) => d.message)).toEqual(['extra column bookings_booking.note (text)']);
    const run = await cli('drift', '--tenant', '--against', 'model');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^✗ 30 tenants with extra column bookings_booking\.note \(text\)$/m);
    await fleet.version(1, false);
  });

  it('exits 2 on bad input and 3 when the database cannot be reached', async () => {
    expect((await cli('drift', '--against', 'yesterday')).code).toBe(2);
    expect((await cli('drift', '--schema', 'pg_toast')).code).toBe(2);
    const r = await cli('drift', '--database-url', 'postgres://u:p@127.0.0.1:1/x');
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/could not connect/);
  });
});

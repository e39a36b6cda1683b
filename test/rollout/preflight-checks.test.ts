import { describe, expect, it } from 'vitest';
import { checksOf } from '../../src/fleet/preflight/checks.js';
import type { Migration } from '../../src/migrations/index.js';

const mig = (id: string, up: string): Migration => ({
  scope: 'tenant',
  version: id.slice(0, 4),
  name: id.slice(5),
  id,
  requires: null,
  transactional: true,
  hazards: [],
  replaces: [],
  manual: false,
  up,
  down: '',
  checksum: id,
  path: `tenant/${id}.sql`,
});

const brief = (up: string, ...more: string[]) => {
  const plan = checksOf([mig('0002_a', up), ...more.map((m, i) => mig(`000${i + 3}_b`, m))]);
  return {
    checks: plan.checks.map((c) => {
      const { migration, table, ...rest } = c;
      return { migration, table: table.sql, ...rest };
    }),
    unchecked: plan.unchecked.map((u) => `${u.migration}: ${u.reason}`),
  };
};

describe('checksOf: the data-dependent statements of pending migrations', () => {
  it("reads the planner's plain forms", () => {
    const r = brief(`ALTER TABLE services_service ADD CONSTRAINT services_service_name_key UNIQUE (name);
ALTER TABLE services_service ALTER COLUMN code SET NOT NULL;
ALTER TABLE services_service ADD CONSTRAINT services_service_price_check CHECK ((price >= (0)::numeric));
ALTER TABLE services_service ADD CONSTRAINT services_service_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES public.users_user (id) ON DELETE SET NULL;
ALTER TABLE "Odd ""T""" ADD CONSTRAINT "Odd_pkey" PRIMARY KEY ("Id");
ALTER TABLE services_service ALTER COLUMN name TYPE varchar(10);
ALTER TABLE services_service ALTER COLUMN code TYPE integer USING code::integer;
ALTER TABLE services_service ADD COLUMN capacity integer DEFAULT 1 NOT NULL;
ALTER TABLE services_service ADD COLUMN must integer NOT NULL;
COMMENT ON COLUMN services_service.capacity IS 'Max; customers';
CREATE INDEX services_service_idx ON services_service (name);`);
    expect(r.unchecked).toEqual([]);
    expect(r.checks).toEqual([
      {
        migration: '0002_a',
        table: 'services_service',
        kind: 'unique',
        constraint: 'services_service_name_key',
        keys: ['name'],
        where: null,
        nullsDistinct: true,
      },
      {
        migration: '0002_a',
        table: 'services_service',
        kind: 'not_null',
        constraint: 'NOT NULL on services_service.code',
        column: 'code',
      },
      {
        migration: '0002_a',
        table: 'services_service',
        kind: 'check',
        constraint: 'services_service_price_check',
        expression: '(price >= (0)::numeric)',
      },
      {
        migration: '0002_a',
        table: 'services_service',
        kind: 'foreign_key',
        constraint: 'services_service_owner_id_fkey',
        columns: ['owner_id'],
        refTable: 'public.users_user',
        refColumns: ['id'],
        matchFull: false,
      },
      {
        migration: '0002_a',
        table: '"Odd ""T"""',
        kind: 'unique',
        constraint: '"Odd_pkey"',
        keys: ['"Id"'],
        where: null,
        nullsDistinct: true,
      },
      { migration: '0002_a', table: '"Odd ""T"""', kind: 'not_null', constraint: '"Odd_pkey"', column: '"Id"' },
      {
        migration: '0002_a',
        table: 'services_service',
        kind: 'cast',
        constraint: 'services_service.name TYPE varchar(10)',
        value: 'name',
        type: 'varchar(10)',
      },
      {
        migration: '0002_a',
        table: 'services_service',
        kind: 'cast',
        constraint: 'services_service.code TYPE integer',
        value: 'code',
        type: 'integer',
      },
      {
        migration: '0002_a',
        table: 'services_service',
        kind: 'rows',
        constraint: 'services_service.must NOT NULL without a default',
      },
    ]);
  });

  it('reads the online forms: NOT VALID + VALIDATE, NOT NULL through a CHECK, a concurrent unique index + USING INDEX', () => {
    const r = brief(
      `ALTER TABLE t ADD CONSTRAINT t_code_not_null CHECK (code IS NOT NULL) NOT VALID;
ALTER TABLE t ADD CONSTRAINT t_owner_fkey FOREIGN KEY (owner_id) REFERENCES public.users_user (id) NOT VALID;
ALTER TABLE t ADD CONSTRAINT t_price_check CHECK (price >= 0) NOT VALID`,
      `ALTER TABLE t VALIDATE CONSTRAINT t_code_not_null;
ALTER TABLE t ALTER COLUMN code SET NOT NULL;
ALTER TABLE t DROP CONSTRAINT t_code_not_null;
ALTER TABLE t VALIDATE CONSTRAINT t_owner_fkey;
ALTER TABLE t VALIDATE CONSTRAINT t_price_check`,
      `CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS t_name_key ON t USING btree (lower(name) COLLATE "C" text_pattern_ops DESC, kind) WHERE (deleted_at IS NULL)`,
      'ALTER TABLE t ADD CONSTRAINT t_name_key UNIQUE USING INDEX t_name_key',
    );
    expect(r.unchecked).toEqual([]);
    expect(r.checks.map((c) => [c.migration, c.kind, c.constraint])).toEqual([
      ['0003_b', 'not_null', 't_code_not_null'],
      ['0003_b', 'foreign_key', 't_owner_fkey'],
      ['0003_b', 'check', 't_price_check'],
      ['0004_b', 'unique', 't_name_key'],
    ]);
    expect(r.checks[3]).toMatchObject({ keys: ['(lower(name))', 'kind'], where: '(deleted_at IS NULL)' });
  });

  it("skips a NOT NULL the online planner's batched backfill fills", () => {
    const r = brief(
      `ALTER TABLE t ADD CONSTRAINT t_code_not_null CHECK (code IS NOT NULL) NOT VALID`,
      `DO $pgfleet_backfill$
DECLARE
  n bigint;
BEGIN
  LOOP
    UPDATE t SET code = 'none'
      WHERE ctid = ANY (ARRAY(SELECT ctid FROM t WHERE code IS NULL LIMIT 5000));
    GET DIAGNOSTICS n = ROW_COUNT;
    EXIT WHEN n = 0;
    COMMIT;
  END LOOP;
END
$pgfleet_backfill$`,
      'ALTER TABLE t VALIDATE CONSTRAINT t_code_not_null',
      'ALTER TABLE t ALTER COLUMN code SET NOT NULL;\nALTER TABLE t DROP CONSTRAINT t_code_not_null',
    );
    expect(r).toEqual({ checks: [], unchecked: [] });
  });

  it('skips what a backfill fills, tables these migrations create, and a rebuilt enum becomes a check of its values', () => {
    const r = brief(`UPDATE t SET code = 'none' WHERE code IS NULL;
ALTER TABLE t ALTER COLUMN code SET NOT NULL;
CREATE TABLE n (id bigint NOT NULL, name text);
ALTER TABLE n ADD CONSTRAINT n_name_key UNIQUE (name);
ALTER TYPE booking_status RENAME TO booking_status__pgfleet_old;
CREATE TYPE booking_status AS ENUM ('pending', 'it''s');
ALTER TABLE b ALTER COLUMN status DROP DEFAULT;
ALTER TABLE b ALTER COLUMN status TYPE booking_status USING status::text::booking_status;
ALTER TABLE b ALTER COLUMN tags TYPE booking_status[] USING tags::text[]::booking_status[];
ALTER TABLE b ALTER COLUMN status SET DEFAULT 'pending'::booking_status;
DROP TYPE booking_status__pgfleet_old;
SELECT setval(pg_get_serial_sequence('t', 'id'), coalesce(max(id), 0) + 1, false) FROM t`);
    expect(r.unchecked).toEqual([]);
    expect(r.checks).toEqual([
      expect.objectContaining({
        kind: 'enum',
        table: 'b',
        column: 'status',
        values: ['pending', "it's"],
        array: false,
      }),
      expect.objectContaining({ kind: 'enum', table: 'b', column: 'tags', array: true }),
    ]);
  });

  it('reports what it cannot judge: hand-written data changes, renamed or new columns, code', () => {
    const r = brief(`DELETE FROM t WHERE name IS NULL;
ALTER TABLE t ADD CONSTRAINT t_name_key UNIQUE (name);
ALTER TABLE u RENAME COLUMN a TO b;
ALTER TABLE u ADD CONSTRAINT u_b_check CHECK (b > 0);
ALTER TABLE v ADD COLUMN c integer DEFAULT 0;
ALTER TABLE v ADD CONSTRAINT v_c_key UNIQUE (c);
DO $$ BEGIN PERFORM 1; END $$;
ALTER TABLE w RENAME TO w2;
ALTER TABLE w2 ALTER COLUMN x SET NOT NULL`);
    expect(r.unchecked).toEqual([
      '0002_a: it changes rows of t; checks after it on that table are skipped',
      '0002_a: an earlier statement changes the rows of t',
      '0002_a: it uses a column renamed by these migrations',
      "0002_a: it uses a column added by these migrations (its rows hold the column's default)",
      '0002_a: not a statement form preflight knows',
    ]);
    // A renamed table is checked under the name it has before the migration runs.
    expect(r.checks).toEqual([expect.objectContaining({ kind: 'not_null', table: 'w', column: 'x' })]);
  });
});

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { migrate, preflight } from '../../src/api/fleet.js';
import { generate } from '../../src/api/generate.js';
import { ident } from '../../src/plan/quote.js';
import { runCli } from '../cli/run-cli.js';
import { type FaultFleet, faultFleet } from '../faults/fault-fleet.js';
import { TENANT } from '../fleet/fleet-project.js';
import { type TestDatabase, testDatabase } from '../support/db.js';

const N = 60;
const DUPLICATES = ['tenant_05', 'tenant_23', 'tenant_51'];
const NULLS: Record<string, number> = { tenant_12: 2, tenant_33: 1 };

/** TENANT[2] (code nullable) with `code` NOT NULL and `name` unique: one migration with both. */
const STRICT = TENANT[2]
  .replace('code: { type: text, nullable: true }', 'code: { type: text }')
  .replace('    primaryKey: [id]', '    primaryKey: [id]\n    unique:\n      services_service_name_key: [name]');

/**
 * A digest of everything preflight must not change: every relation, column (with its NOT
 * NULL), constraint, index and function outside the system schemas, and the whole ledger.
 */
async function fingerprint(db: TestDatabase): Promise<string> {
  const r = await db.client.query<{ catalog: string; history: string }>(`
    SELECT
      (SELECT md5(string_agg(x, ',' ORDER BY x)) FROM (
         SELECT n.nspname || '.' || c.relname || ':' || c.relkind::text AS x FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
         UNION ALL SELECT a.attrelid::regclass::text || '.' || a.attname || ':' || a.attnotnull FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE a.attnum > 0 AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
         UNION ALL SELECT conrelid::regclass::text || ':' || conname || ':' || convalidated FROM pg_constraint WHERE connamespace IN (SELECT oid FROM pg_namespace WHERE nspname !~ '^pg_' AND nspname <> 'information_schema')
         UNION ALL SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
       ) s) AS catalog,
      (SELECT md5(string_agg(h::text, ',' ORDER BY schema_name, version)) FROM pgfleet.history h) AS history`);
  return `${r.rows[0].catalog} ${r.rows[0].history}`;
}

describe(`preflight on ${N} tenants`, { timeout: 300_000 }, () => {
  let db: TestDatabase;
  let fleet: FaultFleet;
  const config = () => join(fleet.dir, 'pgfleet.yaml');

  beforeAll(async () => {
    db = await testDatabase();
    fleet = await faultFleet(db.client, db.url, N);
    await fleet.version(1);
    await fleet.version(2);
    expect((await migrate(await fleet.project())).summary.failed).toBe(0);
    const seed = fleet.tenants.map(
      (t) => `INSERT INTO ${ident(t)}.services_service (name, code) VALUES ('a', 'x'), ('b', 'y')`,
    );
    for (const t of DUPLICATES) seed.push(`INSERT INTO ${ident(t)}.services_service (name, code) VALUES ('a', 'z')`);
    for (const [t, n] of Object.entries(NULLS)) {
      for (let i = 0; i < n; i++)
        seed.push(`INSERT INTO ${ident(t)}.services_service (name, code) VALUES ('null ${i}', NULL)`);
    }
    await db.client.query(seed.join(';\n'));
    await writeFile(join(fleet.dir, 'schema', 'tenant', 'services.yaml'), STRICT);
    await generate(await fleet.project(), { allowDestructive: true });
  }, 240_000);

  it('names exactly the 3 tenants with duplicates and the 2 with NULLs, with counts and keys; exit 1; changes nothing', async () => {
    const before = await fingerprint(db);
    const r = await runCli(['migrate', '--preflight', '--json', '--config', config()], { cwd: fleet.dir });
    expect(r.code).toBe(1);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ schemas: N, checks: 2, errors: [], unchecked: [] });
    // With the online forms (the default since #13) the NOT NULL goes through a CHECK named
    // services_service_code_not_null and the UNIQUE through a concurrent index: both are read.
    const failures = result.failures.map((f: { schema: string; constraint: string; rows: number }) => [
      f.schema,
      f.constraint.replace(/^services_service_code_not_null \((.*)\)$/, '$1'),
      f.rows,
    ]);
    expect(failures).toEqual(
      [
        ...DUPLICATES.map((t) => [t, 'services_service_name_key', 2]),
        ...Object.entries(NULLS).map(([t, n]) => [t, 'NOT NULL on services_service.code', n]),
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    const dup = result.failures.find((f: { schema: string }) => f.schema === 'tenant_05');
    expect(dup).toMatchObject({ kind: 'unique', table: 'services_service', examples: ['a'] });
    expect(dup.migration).toMatch(/^0004_/);
    const nulls = result.failures.find((f: { schema: string }) => f.schema === 'tenant_12');
    expect(nulls.kind).toBe('not_null');
    expect(nulls.examples).toHaveLength(2);
    for (const id of nulls.examples) expect(id).toMatch(/^\d+$/);
    expect(await fingerprint(db)).toBe(before);

    const text = await runCli(['migrate', '--preflight', '--config', config()], { cwd: fleet.dir });
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/preflight: 60 schemas with pending migrations, 2 data checks: 5 would fail/);
    expect(text.stdout).toMatch(/✗ tenant_23 at 0004_\w+: services_service_name_key — 2 rows \(e\.g\. a\)/);
    const md = await runCli(['migrate', '--preflight', '--format', 'markdown', '--config', config()], {
      cwd: fleet.dir,
    });
    expect(md.stdout).toContain('❌ 5 of 60 schemas would fail.');
    expect(md.stdout).toContain('| schema | migration | constraint | rows | examples |');
    expect(md.stdout).toContain('| tenant\\_33 |');
    expect(await fingerprint(db)).toBe(before);
  });

  it('with rollout.preflight, a wave whose data would fail ends the run before it, touching nothing', async () => {
    const path = config();
    const original = await readFile(path, 'utf8');
    await writeFile(
      path,
      `${original}rollout:\n  waves:\n    - { name: canary, tenants: [tenant_01, tenant_05] }\n    - { name: rest }\n  preflight: true\n`,
    );
    try {
      const before = await fingerprint(db);
      const r = await runCli(['migrate', '--config', path], { cwd: fleet.dir });
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('rollout halted at wave canary: preflight found data that would fail in 1 tenant(s)');
      expect(r.stdout).toContain('failed: tenant_05');
      expect(await fingerprint(db)).toBe(before);
    } finally {
      await writeFile(path, original);
    }
  });

  it('--preflight --wave NAME checks the tenants of the waves up to and including NAME, as migrate --wave runs them', async () => {
    const path = config();
    const original = await readFile(path, 'utf8');
    await writeFile(
      path,
      `${original}rollout:\n  waves:\n    - { name: canary, tenants: [tenant_01, tenant_05] }\n    - { name: early, match: 'tenant\\_1%' }\n    - { name: rest }\n`,
    );
    try {
      const before = await fingerprint(db);
      const r = await runCli(['migrate', '--preflight', '--wave', 'canary', '--json', '--config', path], {
        cwd: fleet.dir,
      });
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stdout)).toMatchObject({ schemas: 2, failures: [{ schema: 'tenant_05' }] });
      const failing = async (wave: string) => {
        const result = await preflight(await fleet.project(), { wave });
        return { schemas: result.schemas, failing: [...new Set(result.failures.map((f) => f.schema))] };
      };
      // canary and early (tenant_10 ... tenant_19): tenant_12's NULLs too, and none of the rest's.
      expect(await failing('early')).toEqual({ schemas: 12, failing: ['tenant_05', 'tenant_12'] });
      expect(await failing('rest')).toEqual({
        schemas: N,
        failing: ['tenant_05', 'tenant_12', 'tenant_23', 'tenant_33', 'tenant_51'],
      });
      const unknown = await runCli(['migrate', '--preflight', '--wave', 'nope', '--config', path], { cwd: fleet.dir });
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain('--wave "nope": no such wave');
      await expect(
        preflight(await fleet.project(), { wave: 'canary', only: { schema: 'tenant_05' } }),
      ).rejects.toMatchObject({ code: 'input', hint: '--wave does not go with --shared or --schema' });
      expect(await fingerprint(db)).toBe(before);
    } finally {
      await writeFile(path, original);
    }
    await expect(preflight(await fleet.project(), { wave: 'canary' })).rejects.toMatchObject({
      code: 'input',
      message: '--wave "canary" needs rollout waves in pgfleet.yaml',
    });
  });

  it('then migrate fails exactly those 5 and no others', async () => {
    const r = await migrate(await fleet.project());
    const failed = r.results.filter((x) => x.status === 'failed').map((x) => x.schema);
    expect(failed).toEqual([...DUPLICATES, ...Object.keys(NULLS)].sort());
    expect(r.summary).toMatchObject({ applied: N - 5, failed: 5 });
    // Preflight now sees only the 5 that still have the migration pending.
    const again = await preflight(await fleet.project());
    expect(again.schemas).toBe(5);
    expect(new Set(again.failures.map((f) => f.schema)).size).toBe(5);
  });
});

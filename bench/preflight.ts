/**
 * `migrate --preflight` of N tenant schemas of the 20-table model (50 rows in each of two
 * tables) against a pending hand-written migration with four data-dependent statements (a
 * new UNIQUE, a SET NOT NULL, a CHECK, a narrowing type), 1% of the tenants with data that
 * breaks it; beside the floor: the very same per-schema messages (READ ONLY transaction,
 * statement timeout, search path, the checks' SELECT) sent by psql at the same concurrency.
 *
 *   node --import tsx bench/preflight.ts                  1,000 tenants, concurrency 4
 *   node --import tsx bench/preflight.ts --tenants 5000
 *
 * BENCH_DATABASE_URL: a server to use instead of a private embedded one. BENCH_RUNS: runs
 * (default 3). Writes bench/results/preflight.json.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrate, preflight } from '../src/api/fleet.js';
import { newMigration, rehash } from '../src/api/manual.js';
import { databaseUrl } from '../src/devdb/dev-database.js';
import { startEmbedded } from '../src/devdb/embedded.js';
import { checksSelect, preflightMessage } from '../src/fleet/preflight/check-query.js';
import { checksOf } from '../src/fleet/preflight/checks.js';
import { readMigrations } from '../src/migrations/index.js';
import { ident } from '../src/plan/quote.js';
import { createSchemas, fleetMatch, fleetPrefix, names } from './fleet/schemas.js';
import { chooseFloor } from './floor.js';
import { fleetProject } from './project.js';
import { formatMs, interleaved, peakRssMiB } from './timing.js';

const given = process.argv.indexOf('--tenants');
const n = given >= 0 ? Number(process.argv[given + 1]) : 1000;
if (!Number.isInteger(n) || n < 1) throw new Error('--tenants must be a whole number, e.g. --tenants 5000');
const runs = Number(process.env.BENCH_RUNS ?? 3);
const concurrency = 4;
const TIMEOUT_MS = 60_000;

async function onServer(url: string, sql: string): Promise<void> {
  const c = new pg.Client(url);
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

const UP = `ALTER TABLE app_model_0000 ADD CONSTRAINT app_model_0000_name_key UNIQUE (name);
ALTER TABLE app_model_0000 ALTER COLUMN notes SET NOT NULL;
ALTER TABLE app_model_0001 ADD CONSTRAINT app_model_0001_price_cap CHECK (price < 1000);
ALTER TABLE app_model_0001 ALTER COLUMN name TYPE varchar(20);`;
const DOWN = `ALTER TABLE app_model_0001 ALTER COLUMN name TYPE varchar(200);
ALTER TABLE app_model_0001 DROP CONSTRAINT app_model_0001_price_cap;
ALTER TABLE app_model_0000 ALTER COLUMN notes DROP NOT NULL;
ALTER TABLE app_model_0000 DROP CONSTRAINT app_model_0000_name_key;`;

const server = process.env.BENCH_DATABASE_URL ? null : await startEmbedded();
const serverUrl = process.env.BENCH_DATABASE_URL ?? server!.url;
const name = `pgfleet_bench_preflight_${n}`;
await onServer(serverUrl, `DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`);
await onServer(serverUrl, `CREATE DATABASE ${ident(name)}`);
const url = databaseUrl(serverUrl, name);
const p = await fleetProject({ databaseUrl: url, devDatabase: serverUrl, match: fleetMatch(n) });
try {
  await p.withNewMigration(false);
  const tenants = names(fleetPrefix(n), n);
  await createSchemas(url, tenants);
  const built = await migrate(await p.load(), { concurrency });
  if (built.summary.failed > 0) throw new Error(`building the fleet of ${n}: ${JSON.stringify(built.summary)}`);
  const broken = tenants.filter((_, i) => i % 100 === 7);
  const seed = new pg.Client(url);
  await seed.connect();
  for (const t of tenants) {
    const bad = broken.includes(t);
    await seed.query(
      `INSERT INTO ${ident(t)}.app_model_0000 (name, slug, notes) SELECT 'n' || (i % ${bad ? 40 : 1000}), 's' || i, ${bad ? "CASE WHEN i = 3 THEN NULL ELSE 'x' END" : "'x'"} FROM generate_series(1, 50) i;
       INSERT INTO ${ident(t)}.app_model_0001 (name, slug, price) SELECT ${bad ? "repeat('long', 8)" : "'short'"} || i, 's' || i, ${bad ? 'i * 100' : 'i'} FROM generate_series(1, 50) i`,
    );
  }
  await seed.end();
  const made = await newMigration(await p.load(), 'tenant', 'strict');
  const text = await readFile(made.path, 'utf8');
  await writeFile(
    made.path,
    text.replace(/-- \+up[\s\S]*$/, () => `-- +up\n${UP}\n\n-- +down\n${DOWN}\n`),
  );
  await rehash(await p.load());
  const project = await p.load();

  // The floor sends exactly what pgfleet sends per schema (the tables' primary key is id).
  const set = await readMigrations(project.config.migrations);
  const plan = checksOf(set.tenant.slice(-1));
  const select = checksSelect(plan.checks.map((check, index) => ({ index, check, pk: ['id'] })));
  const scripts = tenants.map((t) => preflightMessage([t, 'public'], select, TIMEOUT_MS));
  const floor = chooseFloor();
  let found = 0;
  const t = await interleaved(runs, [
    {
      name: 'pgfleet',
      work: async () => {
        const r = await preflight(project, { concurrency, statementTimeoutMs: TIMEOUT_MS });
        found = new Set(r.failures.map((f) => f.schema)).size;
        if (found !== broken.length || r.errors.length > 0 || r.schemas !== n)
          throw new Error(`preflight of ${n}: ${found} failing, ${r.errors.length} errors, ${r.schemas} schemas`);
      },
    },
    { name: 'floor', work: () => floor.run(url, scripts, concurrency) },
  ]);
  const load = os.loadavg().map((l) => l.toFixed(2));
  const ratio = t.pgfleet.median / t.floor.median;
  console.log(
    `pgfleet migrate --preflight of ${n} tenants (20 tables, 4 checks, ${broken.length} failing), concurrency ${concurrency}, median of ${runs} runs; load ${load.join(' ')}`,
  );
  console.log(`floor (${floor.label}): the same READ ONLY message per schema at concurrency ${concurrency}`);
  console.log(
    `preflight ${formatMs(t.pgfleet.median)} (${formatMs(t.pgfleet.min)}–${formatMs(t.pgfleet.max)}), floor ${formatMs(t.floor.median)}: ${ratio.toFixed(2)}×; peak RSS ${peakRssMiB()} MiB`,
  );
  const dir = join(import.meta.dirname, 'results');
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'preflight.json'),
    `${JSON.stringify(
      {
        figure: 'migrate --preflight',
        tenants: n,
        concurrency,
        checks: plan.checks.length,
        failing: found,
        runs,
        pgfleetMs: t.pgfleet,
        floorMs: t.floor,
        floor: floor.label,
        ratio: Number(ratio.toFixed(2)),
        load: os.loadavg(),
      },
      null,
      2,
    )}\n`,
  );
} finally {
  await p.remove();
  await onServer(serverUrl, `DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`).catch(() => {});
  await server?.stop();
}

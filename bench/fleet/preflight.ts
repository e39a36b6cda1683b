import { readFile, rm, writeFile } from 'node:fs/promises';
import { preflight } from '../../src/api/fleet.js';
import { newMigration, rehash } from '../../src/api/manual.js';
import { checksSelect, preflightMessage } from '../../src/fleet/preflight/check-query.js';
import { checksOf } from '../../src/fleet/preflight/checks.js';
import { readMigrations } from '../../src/migrations/index.js';
import { ident } from '../../src/plan/quote.js';
import { interleaved, peakRssMiB } from '../timing.js';
import { type BenchContext, type Row, rowId } from '../types.js';
import { floorOf, openFleetProject, reset, SHARED } from './open.js';
import { fleetPrefix, names } from './schemas.js';

const CONCURRENCY = 4;
const TIMEOUT_MS = 60_000;

/** The pending migration preflight judges: four data-dependent statements on two tables. */
const UP = `ALTER TABLE app_model_0000 ADD CONSTRAINT app_model_0000_name_key UNIQUE (name);
ALTER TABLE app_model_0000 ALTER COLUMN notes SET NOT NULL;
ALTER TABLE app_model_0001 ADD CONSTRAINT app_model_0001_price_cap CHECK (price < 1000);
ALTER TABLE app_model_0001 ALTER COLUMN name TYPE varchar(20);`;
const DOWN = `ALTER TABLE app_model_0001 ALTER COLUMN name TYPE varchar(200);
ALTER TABLE app_model_0001 DROP CONSTRAINT app_model_0001_price_cap;
ALTER TABLE app_model_0000 ALTER COLUMN notes DROP NOT NULL;
ALTER TABLE app_model_0000 DROP CONSTRAINT app_model_0000_name_key;`;

/** 50 rows in each of the two tables; a broken tenant has duplicates, a NULL, a price over the cap and long names. */
const seedScript = (schema: string, broken: boolean): string =>
  `INSERT INTO ${ident(schema)}.app_model_0000 (name, slug, notes) SELECT 'n' || (i % ${broken ? 40 : 1000}), 's' || i, ${broken ? "CASE WHEN i = 3 THEN NULL ELSE 'x' END" : "'x'"} FROM generate_series(1, 50) i;
INSERT INTO ${ident(schema)}.app_model_0001 (name, slug, price) SELECT ${broken ? "repeat('long', 8)" : "'short'"} || i, 's' || i, ${broken ? 'i * 100' : 'i'} FROM generate_series(1, 50) i`;

/**
 * `migrate --preflight` of the fleet of N (at 0002, the 20-table model) against a pending
 * hand-written migration with four data-dependent statements (a new UNIQUE, a SET NOT NULL,
 * a CHECK, a narrowing type), 1% of the tenants with rows that break it, at concurrency 4;
 * beside the floor: the very same per-schema message (READ ONLY transaction, statement
 * timeout, search path, the checks' SELECT) sent by the floor's client at the same
 * concurrency. The rows stay (later figures only read the ledger); the migration is removed.
 */
export async function preflightFigure(ctx: BenchContext): Promise<Row[]> {
  const n = ctx.tenants;
  const p = await openFleetProject(ctx);
  const tenants = names(fleetPrefix(n), n);
  const broken = new Set(tenants.filter((_, i) => i % 100 === 7));
  await reset(
    ctx.url,
    tenants.map((t) => seedScript(t, broken.has(t))),
  );
  const made = await newMigration(await p.load(), 'tenant', 'preflight bench');
  try {
    const text = await readFile(made.path, 'utf8');
    await writeFile(
      made.path,
      text.replace(/-- \+up[\s\S]*$/, () => `-- +up\n${UP}\n\n-- +down\n${DOWN}\n`),
    );
    await rehash(await p.load());
    const project = await p.loadFleet();
    const set = await readMigrations(project.config.migrations);
    const plan = checksOf(set.tenant.slice(-1));
    // The floor sends exactly what pgfleet sends per schema (the tables' primary key is id).
    const select = checksSelect(plan.checks.map((check, index) => ({ index, check, pk: ['id'] })));
    const scripts = tenants.map((t) => preflightMessage([t, SHARED], select, TIMEOUT_MS));
    const floor = floorOf(ctx);
    const t = await interleaved(ctx.runs, [
      {
        name: 'pgfleet',
        work: async () => {
          const r = await preflight(project, { concurrency: CONCURRENCY, statementTimeoutMs: TIMEOUT_MS });
          const found = new Set(r.failures.map((f) => f.schema)).size;
          if (found !== broken.size || r.errors.length > 0 || r.schemas !== n)
            throw new Error(`preflight of ${n}: ${found} failing, ${r.errors.length} errors, ${r.schemas} schemas`);
        },
      },
      { name: 'floor', work: () => floor.run(ctx.url, scripts, CONCURRENCY) },
    ]);
    return [
      {
        id: rowId('preflight', n, 'pgfleet'),
        figure: `migrate --preflight (${plan.checks.length} checks, 1% of tenants failing), concurrency ${CONCURRENCY}`,
        tenants: n,
        who: 'pgfleet',
        time: t.pgfleet,
        floor: t.floor,
        floorWhat: `${floor.label.replace(/, one message per schema$/, '')}: the same READ ONLY message per schema, ${CONCURRENCY} connections`,
        rssMiB: peakRssMiB(),
      },
    ];
  } finally {
    await rm(made.path, { force: true });
    await rehash(await p.load());
  }
}

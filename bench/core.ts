/**
 * Core pipeline benchmark: canonicalise + diff of a 200-table model against a live
 * 200-table schema, beside pg-structure's introspection and one catalog query of the same
 * schema (the floor), all on the same embedded server in one run.
 *
 *   npm run bench            (BENCH_DATABASE_URL to use another server; BENCH_TABLES=n)
 */
import os from 'node:os';
import pg from 'pg';
import pgStructure from 'pg-structure';
import { applyStatements } from '../src/devdb/apply.js';
import { openDevDatabase } from '../src/devdb/dev-database.js';
import { startEmbedded } from '../src/devdb/embedded.js';
import { diff } from '../src/diff/diff.js';
import { canonicalise } from '../src/inspect/canonicalise.js';
import { inspectSchema } from '../src/inspect/index.js';
import { emptyModel } from '../src/model/build.js';
import { plan } from '../src/plan/plan.js';
import { syntheticModel } from './models.js';
import { measure, ms, printTable } from './timing.js';

const TABLES = Number(process.env.BENCH_TABLES ?? 200);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

const server = process.env.BENCH_DATABASE_URL ? null : await startEmbedded();
const url = process.env.BENCH_DATABASE_URL ?? server!.url;
const dev = await openDevDatabase(url);
const client = new pg.Client(url);
await client.connect();
try {
  const model = syntheticModel(TABLES);
  const models = { shared: emptyModel(), tenant: model };
  await client.query('DROP SCHEMA IF EXISTS bench_live CASCADE; CREATE SCHEMA bench_live');
  const opts = { sharedSchema: 'public' };
  const create = plan(diff(emptyModel(), model), { scope: 'tenant', sharedSchema: 'public' });
  await applyStatements(client, create.up, ['bench_live', 'public']);

  let desired = model;
  const canon = await measure(RUNS, async () => {
    desired = (await canonicalise(models, dev, opts)).tenant;
  });
  const inspect = await measure(RUNS, () => inspectSchema(client, 'bench_live', opts));
  const live = await inspectSchema(client, 'bench_live', opts);
  const diffing = await measure(RUNS, async () => diff(live, desired));
  const pipeline = await measure(RUNS, async () => {
    const d = (await canonicalise(models, dev, opts)).tenant;
    const l = await inspectSchema(client, 'bench_live', opts);
    return plan(diff(l, d), { scope: 'tenant', sharedSchema: 'public' });
  });
  const structure = await measure(RUNS, () => pgStructure(client, { includeSchemas: ['bench_live'], keepConnection: true }));
  const floor = await measure(RUNS, () =>
    client.query(
      `SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), pg_get_expr(d.adbin, d.adrelid)
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
         LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
        WHERE n.nspname = 'bench_live'`,
    ),
  );
  const changes = diff(live, desired).length;
  console.log(`pgfleet core benchmark: ${TABLES} tables, ${RUNS} runs each, ${os.cpus().length} cores, ${os.cpus()[0]?.model}`);
  console.log(`changes found between live and model: ${changes} (expected 0)\n`);
  const row = (figure: string, t: { median: number; min: number; max: number }, base?: number) => ({
    figure,
    median: ms(t.median),
    spread: `${ms(t.min)} – ${ms(t.max)}`,
    'vs floor': base ? `${(t.median / base).toFixed(1)}×` : '',
  });
  printTable([
    row('floor: one catalog query (columns only)', floor),
    row('pgfleet inspect (live schema)', inspect, floor.median),
    row('pg-structure introspection (same schema)', structure, floor.median),
    row('pgfleet canonicalise model (scratch db)', canon),
    row('pgfleet diff (in memory)', diffing),
    row('pgfleet canonicalise + inspect + diff + plan', pipeline),
  ]);
  console.log(`\npeak RSS: ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
} finally {
  await client.end();
  await dev.close();
  await server?.stop();
}

/**
 * Online migrations under live writes (issue #13). One tenant table of `rows` rows, an application writer on its own connection (an INSERT and an
 * UPDATE every 2 ms), and one model change on it: a FOREIGN KEY, a CHECK, NOT NULL on a
 * full column, a UNIQUE constraint and an index. Reports the longest write and the p99
 * while (a) `migrate` runs the online migration pgfleet generated, (b) psql runs the same
 * change in its plain form, and (c) `migrate` waits behind a reader that holds the table
 * for 6 s (and still succeeds once it is gone).
 *
 * Part of `npm run bench` (figure `online`, 200,000 rows; `--online-rows N`), or alone:
 *
 *   node --import tsx bench/online.ts --rows 1000000
 *
 * BENCH_DATABASE_URL: a server to use instead of a private embedded one.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { migrate, rollback } from '../src/api/fleet.js';
import { generate } from '../src/api/generate.js';
import { loadProject } from '../src/api/project.js';
import { startEmbedded } from '../src/devdb/embedded.js';

const TENANT = 'tenant_bench';

const V0 = `tables:
  shop_customer:
    columns:
      id: { type: bigint, identity: by default }
    primaryKey: [id]
  shop_order:
    columns:
      id: { type: bigint, identity: by default }
      customer_id: { type: bigint }
      total: { type: integer }
      reference: { type: text }
      note: { type: text, nullable: true }
    primaryKey: [id]
`;
const V1 = `tables:
  shop_customer:
    columns:
      id: { type: bigint, identity: by default }
    primaryKey: [id]
  shop_order:
    columns:
      id: { type: bigint, identity: by default }
      customer_id: { type: bigint, references: { table: shop_customer } }
      total: { type: integer, check: total >= 0 }
      reference: { type: text, unique: true }
      note: { type: text }
    primaryKey: [id]
    indexes:
      shop_order_total_idx: { columns: [total] }
`;
const PLAIN = `SET search_path = ${TENANT};
BEGIN;
ALTER TABLE shop_order ADD CONSTRAINT shop_order_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES shop_customer (id);
ALTER TABLE shop_order ADD CONSTRAINT shop_order_total_check CHECK (total >= 0);
ALTER TABLE shop_order ALTER COLUMN note SET NOT NULL;
ALTER TABLE shop_order ADD CONSTRAINT shop_order_reference_key UNIQUE (reference);
CREATE INDEX shop_order_total_idx ON shop_order (total);
COMMIT;`;
const UNDO_PLAIN = `SET search_path = ${TENANT};
DROP INDEX shop_order_total_idx;
ALTER TABLE shop_order DROP CONSTRAINT shop_order_reference_key, DROP CONSTRAINT shop_order_total_check,
  DROP CONSTRAINT shop_order_customer_id_fkey, ALTER COLUMN note DROP NOT NULL;`;

/** The application: an INSERT and an UPDATE every 2 ms, each timed, until stopped. */
function writer(url: string, rows: number) {
  const client = new pg.Client(url);
  const times: number[] = [];
  let running = true;
  let n = 0;
  const done = (async () => {
    await client.connect();
    await client.query(`SET search_path = ${TENANT}`);
    while (running) {
      const tick = performance.now();
      n++;
      let t = performance.now();
      await client.query(
        `INSERT INTO shop_order (customer_id, total, reference, note) VALUES (1, 1, 'w-' || $1 || '-' || clock_timestamp(), 'n')`,
        [n],
      );
      times.push(performance.now() - t);
      t = performance.now();
      await client.query('UPDATE shop_order SET total = total + 1 WHERE id = $1', [
        1 + Math.floor(Math.random() * rows),
      ]);
      times.push(performance.now() - t);
      const wait = 2 - (performance.now() - tick);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    await client.end();
  })();
  return {
    async stop() {
      running = false;
      await done;
      const sorted = [...times].sort((a, b) => a - b);
      return {
        writes: sorted.length,
        maxMs: Math.round(sorted.at(-1) ?? 0),
        p99Ms: Math.round((sorted[Math.floor(sorted.length * 0.99)] ?? 0) * 10) / 10,
      };
    },
  };
}

/** A tenant table, then the change three ways (see the top of the file); `psql` false: the plain SQL through one pg connection. */
export async function onlineTimes(serverUrl: string, rows: number, psql = true) {
  const admin = new pg.Client(serverUrl);
  await admin.connect();
  await admin.query('DROP DATABASE IF EXISTS pgfleet_bench_online WITH (FORCE)');
  await admin.query('CREATE DATABASE pgfleet_bench_online');
  const url = serverUrl.replace(/\/[^/?]*(\?|$)/, '/pgfleet_bench_online$1');
  const dir = await mkdtemp(join(tmpdir(), 'pgfleet-bench-online-'));
  process.env.PGFLEET_CACHE_DIR ??= join(dir, 'cache');
  await mkdir(join(dir, 'schema', 'tenant'), { recursive: true });
  await mkdir(join(dir, 'schema', 'shared'), { recursive: true });
  await writeFile(
    join(dir, 'pgfleet.yaml'),
    `devDatabase: ${serverUrl}\ndatabase: ${url}\ntenants:\n  list: [${TENANT}]\n`,
  );
  const project = () => loadProject({ configPath: join(dir, 'pgfleet.yaml') });
  const plainSql = async (sql: string) => {
    if (psql) {
      await promisify(execFile)('psql', [url, '-v', 'ON_ERROR_STOP=1', '-q', '-c', sql]);
      return;
    }
    const c = new pg.Client(url);
    await c.connect();
    await c.query(sql).finally(() => c.end());
  };
  const db = new pg.Client(url);
  await db.connect();
  try {
    await db.query(`CREATE SCHEMA ${TENANT}`);
    await writeFile(join(dir, 'schema', 'tenant', 'shop.yaml'), V0);
    await generate(await project());
    await migrate(await project());
    const t0 = performance.now();
    await db.query(`SET search_path = ${TENANT}`);
    await db.query('INSERT INTO shop_customer SELECT FROM generate_series(1, 100)');
    await db.query(
      `INSERT INTO shop_order (customer_id, total, reference, note)
       SELECT 1 + i % 100, i % 1000, 'r' || i, 'n' FROM generate_series(1, $1) AS i`,
      [rows],
    );
    await db.query('VACUUM ANALYZE shop_order');
    console.error(`  · ${rows} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await writeFile(join(dir, 'schema', 'tenant', 'shop.yaml'), V1);
    await generate(await project());

    // (a) pgfleet migrate, online forms.
    let w = writer(url, rows);
    await new Promise((r) => setTimeout(r, 300));
    let t = performance.now();
    const a = await migrate(await project());
    const migrateMs = performance.now() - t;
    const online = await w.stop();
    if (a.summary.failed > 0) throw new Error(`migrate failed: ${JSON.stringify(a.results)}`);
    await rollback(await project(), { steps: 1, only: { scope: 'tenant' } });

    // (b) the same change, plain, through psql.
    w = writer(url, rows);
    await new Promise((r) => setTimeout(r, 300));
    t = performance.now();
    await plainSql(PLAIN);
    const plainMs = performance.now() - t;
    const plain = await w.stop();
    await plainSql(UNDO_PLAIN);

    // (c) migrate behind a reader that holds the table for 6 s.
    const reader = new pg.Client(url);
    await reader.connect();
    w = writer(url, rows);
    await new Promise((r) => setTimeout(r, 300));
    const held = reader.query(`BEGIN; SELECT count(*) FROM ${TENANT}.shop_order; SELECT pg_sleep(6); COMMIT`);
    await new Promise((r) => setTimeout(r, 200));
    t = performance.now();
    const c = await migrate(await project());
    const behindMs = performance.now() - t;
    const behind = await w.stop();
    await held;
    await reader.end();
    return {
      rows,
      migrate: { ...online, ms: Math.round(migrateMs) },
      psqlPlain: { ...plain, ms: Math.round(plainMs) },
      ratioLongestWrite: Math.round((plain.maxMs / Math.max(1, online.maxMs)) * 10) / 10,
      behindReader6s: { ...behind, ms: Math.round(behindMs), migrateSucceeded: c.summary.failed === 0 },
    };
  } finally {
    await db.end();
    await admin.query('DROP DATABASE IF EXISTS pgfleet_bench_online WITH (FORCE)').catch(() => {});
    await admin.end();
  }
}

async function main() {
  const rowsArg = process.argv.indexOf('--rows');
  const rows = rowsArg > 0 ? Number(process.argv[rowsArg + 1]) : 1_000_000;
  const server = process.env.BENCH_DATABASE_URL ? null : await startEmbedded();
  try {
    const report = await onlineTimes(process.env.BENCH_DATABASE_URL ?? server!.url, rows);
    const { migrate: online, psqlPlain: plain, behindReader6s: behind } = report;
    console.log(JSON.stringify(report, null, 2));
    console.log(
      `longest write during migrate ${online.maxMs} ms (p99 ${online.p99Ms}) vs plain SQL through psql ${plain.maxMs} ms (p99 ${plain.p99Ms}): ${report.ratioLongestWrite}x; behind a 6 s reader: longest write ${behind.maxMs} ms, migrate ${behind.migrateSucceeded ? 'succeeded' : 'FAILED'} in ${(behind.ms / 1000).toFixed(1)} s`,
    );
  } finally {
    await server?.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}

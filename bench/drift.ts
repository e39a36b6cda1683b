/**
 * Drift: `pgfleet drift` over a fleet of N tenant schemas of the 20-table model, beside the
 * floor (one catalog query over the same schemas: their columns, types and defaults, every
 * row sent to the client) and pg-structure's introspection of the same schemas, on the same
 * server in one run, each with its peak memory (pg-structure in a process of its own).
 *
 * In the suite (`npm run bench`), bench/figures/drift-hook.ts calls `driftFigure` on the
 * suite's fleet. On its own it builds the fleet with the suite's helpers and runs the
 * figure in a child process (bench/child.ts), so the build's memory does not count:
 *
 *   node --import tsx bench/drift.ts            1,000 tenants
 *   node --import tsx bench/drift.ts --10k      1,000 and 10,000 (or BENCH_DRIFT_10K=1)
 *   node --import tsx bench/drift.ts --tenants 10000   only that size
 *
 * BENCH_DATABASE_URL: a server to use instead of a private embedded one; the fleets are kept
 * there in databases pgfleet_bench_drift_<N> and reused by later runs (building 10,000
 * tenants takes a while). BENCH_RUNS: runs per figure (default 3). BENCH_PEER_MINUTES:
 * pg-structure still running then is stopped and shown as such (default 10).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os, { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { drift } from '../src/api/drift.js';
import { migrate } from '../src/api/fleet.js';
import { databaseUrl } from '../src/devdb/dev-database.js';
import { startEmbedded } from '../src/devdb/embedded.js';
import { ident, literal } from '../src/plan/quote.js';
import { REPO, runNode } from './cli-process.js';
import { floorOf, openFleetProject, SHARED } from './fleet/open.js';
import { createSchemas, fleetMatch, fleetPrefix, names } from './fleet/schemas.js';
import { chooseFloor } from './floor.js';
import { fleetProject } from './project.js';
import { textTable } from './report/table.js';
import { interleaved, peakRssMiB, summarize } from './timing.js';
import { type BenchContext, type Row, rowId } from './types.js';

const SELF = fileURLToPath(import.meta.url);
const PEER_MINUTES = Number(process.env.BENCH_PEER_MINUTES ?? 10);

/**
 * The floor: the columns of every table of the fleet, with their types and defaults, all
 * rows to the client. A default is printed without its table (relid 0, as pgfleet does):
 * with it, Postgres opens every table, which at 10,000 tenants takes most of a minute.
 */
export const floorSql = (n: number) =>
  `SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
    pg_get_expr(d.adbin, CASE WHEN a.attgenerated = '' THEN 0 ELSE d.adrelid END)
  FROM pg_namespace n JOIN pg_class c ON c.relnamespace = n.oid
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
  WHERE n.nspname LIKE ${literal(fleetMatch(n))}`;

const GOAL_RATIO = { kind: 'ratio', max: 5, at: 1000, text: '≤ 5× floor' } as const;
const GOAL_10K = { kind: 'ms', max: 30_000, at: 10_000, text: '< 30 s at 10,000' } as const;
const MAX_RSS_MIB = 1024;
/**
 * Connections drift reads the catalog on (`drift --concurrency`): as many as the server has
 * cores, here 2. The catalog queries are CPU-bound on the server, so more connections than
 * cores only share the cores and read more per batch: 4 (pgfleet.yaml's default) took
 * 34–37 s at 10,000 tenants where 2 took 28 s.
 */
const CONNECTIONS = 2;

/**
 * `drift` of the whole fleet (the N tenants and the shared schema) through the API, on the
 * project's `concurrency` connections, beside the floor and pg-structure. The expected
 * states are replayed once before the timed runs (they are cached by checksum, as a user's
 * second run finds them).
 */
export async function driftFigure(ctx: BenchContext): Promise<Row[]> {
  const n = ctx.tenants;
  const project = await (await openFleetProject(ctx)).load();
  const floor = floorOf(ctx);
  const sql = [floorSql(n)];
  const check = async () => {
    const r = await drift(project, { concurrency: CONNECTIONS });
    if (!r.clean || r.summary.schemas !== n + 1)
      throw new Error(`drift of a clean fleet of ${n}: ${JSON.stringify(r.summary)}`);
    return r;
  };
  const warm = await check();
  const t = await interleaved(ctx.runs, [
    { name: 'pgfleet', work: check },
    { name: 'floor', work: () => floor.run(ctx.url, sql) },
  ]);
  const rssMiB = peakRssMiB();
  const base = {
    figure: 'drift of the fleet',
    tenants: n,
    floor: t.floor,
    floorWhat: `${floor.label.replace(/, one message per schema$/, '')}: one catalog query of the fleet's columns, types and defaults`,
  };
  const s = warm.stats;
  const rows: Row[] = [
    {
      ...base,
      id: rowId('drift', n, 'pgfleet'),
      who: 'pgfleet',
      time: t.pgfleet,
      rssMiB,
      goal: n >= GOAL_10K.at ? GOAL_10K : GOAL_RATIO,
      note:
        `${CONNECTIONS} connections (drift --concurrency ${CONNECTIONS}: the server's cores), ${s.fingerprints} fingerprint(s), ${s.inspected} schema(s) read in full; ` +
        `goals: ≤ 5× floor (${(t.pgfleet.median / t.floor.median).toFixed(1)}×), peak RSS < ${MAX_RSS_MIB} MiB (${rssMiB} MiB)` +
        (n >= GOAL_10K.at ? `, < 30 s (${(t.pgfleet.median / 1000).toFixed(1)} s)` : ''),
    },
  ];
  // The suite runs its peers at its smallest fleet only (--peer-runs for the others):
  // pg-structure at 1,000 schemas runs until stopped, which alone would take the suite past 10 minutes.
  if (ctx.peerRuns === 0) return rows;
  const peer = await peerRun(ctx.url, names(fleetPrefix(n), n));
  rows.push({
    ...base,
    id: rowId('drift', n, 'pg-structure'),
    who: 'pg-structure',
    time: summarize([peer.ms]),
    rssMiB: peer.rssMiB,
    note: peer.stopped
      ? `stopped after ${PEER_MINUTES} min (BENCH_PEER_MINUTES): its time is more than shown`
      : `one run, in a process of its own: ${peer.note}`,
  });
  return rows;
}

interface PeerResult {
  readonly ms: number;
  readonly stopped: boolean;
  readonly note: string;
}

/** pg-structure's introspection of `schemas`, in a child process: its time as it measured it, and its peak RSS. */
async function peerRun(url: string, schemas: readonly string[]): Promise<PeerResult & { rssMiB: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'pgfleet-bench-drift-'));
  try {
    const input = join(dir, 'schemas.json');
    await writeFile(input, JSON.stringify(schemas));
    const p = await runNode(['--import', 'tsx', SELF, '--peer', url, input]);
    return { ...(JSON.parse(p.stdout) as PeerResult), rssMiB: p.rssMiB };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * pg-structure in a worker thread, so that the main thread's timer can stop it at the limit
 * even while it builds its model synchronously for minutes.
 */
const PEER_WORKER = `
const { workerData: w, parentPort } = require('node:worker_threads');
const pg = require(w.pg);
const m = require(w.pgStructure);
(async () => {
  const client = new pg.Client(w.url);
  await client.connect();
  const t0 = performance.now();
  const db = await (m.default ?? m)(client, { includeSchemas: w.schemas, keepConnection: true });
  const ms = performance.now() - t0;
  const tables = db.schemas.reduce((k, s) => k + s.tables.length, 0);
  await client.end();
  parentPort.postMessage({ ms, note: db.schemas.length + ' schemas, ' + tables + ' tables' });
})();`;

/** The child's side of `peerRun`: its result on stdout, then exit (which records the peak RSS). */
async function peerChild(url: string, input: string): Promise<void> {
  const schemas = JSON.parse(await readFile(input, 'utf8')) as string[];
  const require = createRequire(import.meta.url);
  const done = (r: PeerResult) => {
    process.stdout.write(JSON.stringify(r));
    process.exit(0);
  };
  const t0 = performance.now();
  const worker = new Worker(PEER_WORKER, {
    eval: true,
    workerData: { url, schemas, pg: require.resolve('pg'), pgStructure: require.resolve('pg-structure') },
  });
  worker.on('message', (r: { ms: number; note: string }) => done({ ...r, stopped: false }));
  worker.on('error', (e) => {
    throw e;
  });
  setTimeout(() => done({ ms: performance.now() - t0, stopped: true, note: '' }), PEER_MINUTES * 60_000);
}

// ---------------------------------------------------------------------------------------
// On its own: the suite's fleet project, migrated to 0002 in every tenant schema of a
// database per N (kept on BENCH_DATABASE_URL), then the figure in bench/child.ts.

async function ensureDatabase(serverUrl: string, name: string): Promise<string> {
  const admin = new pg.Client(serverUrl);
  await admin.connect();
  try {
    if ((await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 0)
      await admin.query(`CREATE DATABASE ${ident(name)}`);
  } finally {
    await admin.end();
  }
  return databaseUrl(serverUrl, name);
}

async function missingSchemas(url: string, wanted: readonly string[]): Promise<string[]> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    const { rows } = await client.query<{ s: string }>(
      'SELECT s FROM unnest($1::text[]) s WHERE NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = s)',
      [wanted],
    );
    return rows.map((r) => r.s);
  } finally {
    await client.end();
  }
}

/** Run the drift figure in bench/child.ts, as the suite does: its peak RSS is its own. */
async function inChild(ctx: BenchContext): Promise<Row[]> {
  const ctxFile = join(ctx.root, `ctx-drift-${ctx.tenants}.json`);
  const outFile = join(ctx.root, `out-drift-${ctx.tenants}.json`);
  await writeFile(ctxFile, JSON.stringify(ctx));
  await new Promise((done) =>
    spawn(process.execPath, ['--import', 'tsx', join(REPO, 'bench', 'child.ts'), 'drift', ctxFile, outFile], {
      cwd: REPO,
      stdio: ['ignore', 'inherit', 'inherit'],
    }).on('exit', done),
  );
  const out = JSON.parse(await readFile(outFile, 'utf8')) as { rows: Row[]; error?: string };
  if (out.error) throw new Error(out.error);
  return out.rows;
}

async function main(args: readonly string[]): Promise<void> {
  const given = args.indexOf('--tenants');
  const sizes =
    given >= 0
      ? [Number(args[given + 1])]
      : args.includes('--10k') || process.env.BENCH_DRIFT_10K === '1'
        ? [1000, 10_000]
        : [1000];
  if (!sizes.every((n) => Number.isInteger(n) && n > 0))
    throw new Error('--tenants must be a whole number, e.g. --tenants 10000');
  const runs = Number(process.env.BENCH_RUNS ?? 3);
  const server = process.env.BENCH_DATABASE_URL ? null : await startEmbedded();
  const serverUrl = process.env.BENCH_DATABASE_URL ?? server!.url;
  const root = await mkdtemp(join(tmpdir(), 'pgfleet-bench-drift-'));
  process.env.PGFLEET_CACHE_DIR = join(root, 'cache');
  const floor = chooseFloor();
  const rows: Row[] = [];
  try {
    for (const n of sizes) {
      const t0 = performance.now();
      const url = await ensureDatabase(serverUrl, `pgfleet_bench_drift_${n}`);
      const p = await fleetProject({ databaseUrl: url, devDatabase: serverUrl, match: fleetMatch(n) });
      await p.withNewMigration(true);
      const missing = await missingSchemas(url, names(fleetPrefix(n), n));
      await createSchemas(url, missing);
      const m = await migrate(await p.load(), { concurrency: 4 });
      if (m.summary.failed > 0) throw new Error(`building the fleet of ${n}: ${JSON.stringify(m.summary)}`);
      console.error(
        `fleet of ${n} in ${url.replace(/\/\/[^@]*@/, '//')}: ${missing.length} schemas built, ready in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
      );
      const ctx: BenchContext = {
        serverUrl,
        url,
        runs,
        floor: floor.kind,
        root,
        fleetDir: p.dir,
        tenants: n,
        bootstrapRuns: 1,
        bootstrapConcurrency: 1,
        peerRuns: 1,
        historyDir: null,
        history: null,
        core: null,
      };
      rows.push(...(await inChild(ctx)));
      await p.remove();
    }
  } finally {
    await rm(root, { recursive: true, force: true });
    await server?.stop();
  }
  const load = os.loadavg().map((l) => l.toFixed(2));
  console.log(
    `pgfleet drift: 20-table tenants and the shared schema "${SHARED}", median of ${runs} runs; ${os.availableParallelism()} cores, load average ${load.join(' ')}`,
  );
  console.log(`floor: ${rows[0]?.floorWhat}\n`);
  console.log(textTable(rows));
  for (const r of rows) if (r.note) console.log(`  ${r.tenants} ${r.who}: ${r.note}`);
}

const args = process.argv.slice(2);
if (process.argv[1] && resolve(process.argv[1]) === SELF) {
  if (args[0] === '--peer') await peerChild(args[1], args[2]);
  else await main(args);
}

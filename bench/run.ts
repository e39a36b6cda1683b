/**
 * The benchmark suite: pgfleet beside the floor (the same SQL through the thinnest client,
 * on the same server, in the same run) and beside its peers, from one tenant to 10,000.
 *
 *   npm run bench                         (N = 1,000; fleet figures at 100 and 1,000)
 *   npm run bench -- --tenants 10000      (on demand)
 *   npm run bench -- --only reads,status --runs 5
 *   npm run bench -- --only preflight --sweep 1000
 *
 * Each figure runs in a process of its own (bench/child.ts), so its peak RSS is its own.
 * Prints one table, writes bench/results/latest.json (and tenants-<N>.json), compares with
 * the previous latest.json, and writes docs/bench/per-tenant.svg and docs/bench/latest.md.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrate } from '../src/api/fleet.js';
import { HISTORY } from '../src/fleet/index.js';
import { HELP, ledgerOnly, parseOptions } from './args.js';
import { REPO } from './cli-process.js';
import { prepareCore } from './core-setup.js';
import { FIGURES, FLEET_FIGURES } from './figures/index.js';
import { createSchemas, fleetMatch, fleetPrefix, names } from './fleet/schemas.js';
import { chooseFloor, pgFloor } from './floor.js';
import { historyProject } from './history.js';
import { fleetProject } from './project.js';
import { perTenantChart } from './report/chart.js';
import { latestMarkdown } from './report/markdown.js';
import { delta, keptRuns, type Results, readResults, writeResults } from './report/results.js';
import { checkGoal, floorLegend, textTable } from './report/table.js';
import { commitOf, hostInfo, startBenchServer } from './server.js';
import type { BenchContext, Row } from './types.js';

const options = parseOptions(process.argv.slice(2));
if (!options) {
  console.log(HELP);
  process.exit(0);
}
for (const f of options.only ?? []) if (!FIGURES[f]) throw new Error(`unknown figure ${f}; --help lists them`);
const want = (f: string) => options.only === null || options.only.includes(f);

const RESULTS = join(REPO, 'bench', 'results');
const DOCS = join(REPO, 'docs', 'bench');
const started = performance.now();
const host = hostInfo();
const load = os.loadavg();
const secs = (t0: number) => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
console.log(
  `pgfleet benchmark suite: N = ${options.tenants.toLocaleString('en-US')}, fleet figures at ${options.sweep.join(', ')}, ${options.runs} runs`,
);
console.log(
  `machine: ${host.cores} cores, ${host.cpu}, ${host.memoryGiB} GiB, Node ${host.node}; load average ${load.map((l) => l.toFixed(2)).join(' ')}`,
);
if (load[0] > host.cores * 0.5)
  console.log(
    `note: the machine is busy (load ${load[0].toFixed(1)} on ${host.cores} cores); pgfleet and the floor share the noise, ratios are fairer than times`,
  );

const floor = options.floor === 'pg' ? pgFloor : chooseFloor();
if (options.floor === 'psql' && floor.kind !== 'psql') throw new Error('--floor psql: psql is not on the PATH');
console.log(`floor: ${floor.label}${floor.kind === 'pg' && options.floor === 'auto' ? ' (psql not found)' : ''}`);

const server = await startBenchServer();
console.log(
  `server: Postgres ${server.version}${server.embedded ? ' (embedded, private to this run)' : ' (BENCH_DATABASE_URL)'}\n`,
);
const root = await mkdtemp(join(tmpdir(), 'pgfleet-bench-run-'));
// The server has found its template cluster; from here on the replay cache of `generate` is
// this run's own, so the figures neither read nor leave anything in the user's cache.
process.env.PGFLEET_CACHE_DIR = join(root, 'cache');
const rows: Row[] = [];
const errors: string[] = [];

let context: BenchContext = {
  serverUrl: server.serverUrl,
  url: server.url,
  runs: options.runs,
  floor: floor.kind,
  root,
  fleetDir: '',
  tenants: 0,
  bootstrapRuns: options.runs,
  bootstrapFloorShare: 1,
  bootstrapConcurrency: 1,
  peerRuns: options.runs,
  historyDir: null,
  history: null,
  core: null,
};

/** Run one figure in a child process and collect its rows. */
async function figure(id: string, label = id): Promise<void> {
  const t0 = performance.now();
  const ctxFile = join(root, `ctx-${id}.json`);
  const outFile = join(root, `out-${id}.json`);
  await writeFile(ctxFile, JSON.stringify(context));
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'bench', 'child.ts'), id, ctxFile, outFile], {
      cwd: REPO,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('exit', (c) => resolve(c ?? 1));
  });
  const out = JSON.parse(await readFile(outFile, 'utf8').catch(() => '{"rows":[],"error":"no output"}')) as {
    rows: Row[];
    error?: string;
  };
  rows.push(...out.rows);
  if (out.error || code !== 0) {
    errors.push(`${label}: ${out.error ?? `exit ${code}`}`);
    console.log(`  ✗ ${label} failed after ${secs(t0)}:\n${out.error}`);
  } else {
    console.log(`  ✓ ${label} (${secs(t0)})`);
  }
}

async function untimed(what: string, work: () => Promise<unknown>) {
  const t0 = performance.now();
  await work();
  console.log(`  · ${what} (${secs(t0)}, not timed)`);
}

try {
  if (want('startup')) await figure('startup');
  if (want('dev-loop')) await figure('dev-loop', 'validate and generate --check, cold and warm (CLI)');

  if (['introspect', 'canonicalise', 'diff-two'].some(want)) {
    let core: Awaited<ReturnType<typeof prepareCore>> | null = null;
    await untimed(`${options.coreTables}-table schemas for the core figures`, async () => {
      core = await prepareCore(server.serverUrl, options.coreTables);
    });
    const c = core as unknown as Awaited<ReturnType<typeof prepareCore>>;
    context = { ...context, core: { tables: options.coreTables, liveUrl: c.liveUrl, targetUrl: c.targetUrl } };
    for (const id of ['introspect', 'canonicalise', 'diff-two']) if (want(id)) await figure(id);
    await c.drop();
  }

  if (want('adopt')) await figure('adopt', 'adopt a 300-table schema');
  if (want('online')) {
    context = { ...context, onlineRows: options.onlineRows };
    await figure('online', `online migration under writes, ${options.onlineRows.toLocaleString('en-US')} rows`);
  }

  if (want('generate')) {
    const size = options.history;
    let dir = '';
    await untimed(`history project: ${size.tables} tables in ${size.migrations} migrations`, async () => {
      dir = (await historyProject({ databaseUrl: server.url, devDatabase: server.serverUrl, size })).dir;
    });
    context = { ...context, historyDir: dir, history: size, runs: options.generateRuns };
    await figure('generate');
    context = { ...context, runs: options.runs };
  }

  const fleetWanted = [...FLEET_FIGURES, 'cli-reads', 'cli-migrate'].some(want);
  if (fleetWanted) {
    let project: Awaited<ReturnType<typeof fleetProject>> | null = null;
    await untimed('fleet project: 20-table model, its two migrations generated and verified', async () => {
      project = await fleetProject({
        databaseUrl: server.url,
        devDatabase: server.serverUrl,
        match: fleetMatch(options.sweep[0]),
      });
    });
    const p = project as unknown as Awaited<ReturnType<typeof fleetProject>>;
    await p.withNewMigration(false);
    await migrate(await p.loadFleet(), { only: { scope: 'shared' } });
    const max = options.sweep[options.sweep.length - 1];
    const fakeFleet = ledgerOnly(options.only);
    for (const n of options.sweep) {
      console.log(`fleet of ${n.toLocaleString('en-US')} tenant schemas:`);
      await p.setMatch(fleetMatch(n));
      await p.withNewMigration(false);
      const admin = new pg.Client(server.url);
      await admin.connect();
      await admin.query(`DELETE FROM ${HISTORY} WHERE schema_name <> 'public'`);
      await admin.end();
      const big = n >= 1000;
      context = {
        ...context,
        fleetDir: p.dir,
        tenants: n,
        // The slowest figure by far (about 0.1-0.3 s a schema): one run by default, and at
        // 1,000 and more the floor builds a quarter of N (scaled) instead of N schemas of its
        // own, which alone would take most of the suite's 10 minutes.
        bootstrapRuns: options.bootstrapRuns ?? 1,
        bootstrapFloorShare: big && options.bootstrapRuns === null ? 0.25 : 1,
        bootstrapConcurrency: n >= 10_000 ? 4 : 1,
        // The peers cost 10-100 ms a schema: by default they run at the smallest N only.
        peerRuns: n === options.sweep[0] ? options.runs : (options.peerRuns ?? 0),
      };
      if (want('bootstrap')) await figure('bootstrap', `bootstrap @${n}`);
      else {
        await untimed(`bootstrap of ${n} schemas${fakeFleet ? ' (ledger only: migrate --fake)' : ''}`, async () => {
          await createSchemas(server.url, names(fleetPrefix(n), n));
          await migrate(await p.loadFleet(), { only: { scope: 'tenant' }, concurrency: 4, fake: fakeFleet });
        });
      }
      await p.withNewMigration(true);
      if (want('migrate')) await figure('migrate', `one new migration @${n}`);
      else
        await untimed('one new migration', async () =>
          migrate(await p.loadFleet(), { only: { scope: 'tenant' }, concurrency: 4, fake: fakeFleet }),
        );
      if (want('cli-migrate')) await figure('cli-migrate', `one new migration through the CLI @${n}`);
      if (want('reads')) await figure('reads', `nothing to do + status @${n}`);
      if (want('tenant-create')) await figure('tenant-create', `tenant create @${n}`);
      if (want('drift')) await figure('drift', `drift @${n}`);
      // Last at this N: it leaves rows in two tables of every schema (the reads after it only read the ledger).
      if (want('preflight')) await figure('preflight', `migrate --preflight @${n}`);
      if (n === max && want('cli-reads')) await figure('cli-reads', `CLI nothing to do + status @${n}`);
    }
    await p.remove();
  }
} finally {
  await server.stop().catch((e) => console.error(`stopping the server: ${e.message}`));
  await rm(root, { recursive: true, force: true });
}

// Fleet rows side by side across N: by figure (in the order first seen), then N.
const order = new Map<string, number>();
for (const r of rows) if (!order.has(r.figure)) order.set(r.figure, order.size);
const fleetRows = rows
  .filter((r) => r.tenants !== null)
  .sort((a, b) => order.get(a.figure)! - order.get(b.figure)! || a.tenants! - b.tenants!);
const sorted = [...rows.filter((r) => r.tenants === null), ...fleetRows];
const elapsedS = (performance.now() - started) / 1000;

console.log(`\n${textTable(sorted)}\n`);
console.log('floors:');
for (const l of floorLegend(sorted)) console.log(`  ${l}`);
const notes = sorted
  .filter((r) => r.note)
  .map((r) => `  ${r.figure}${r.tenants ? ` @${r.tenants}` : ''} (${r.who}): ${r.note}`);
if (notes.length) console.log(`notes:\n${notes.join('\n')}`);
const goals = sorted.map((r) => ({ r, g: checkGoal(r) })).filter((x) => x.g && x.g.state !== 'elsewhere');
if (goals.length)
  console.log(
    `goals:\n${goals.map(({ r, g }) => `  ${r.figure}${r.tenants === null ? '' : ` @${r.tenants}`}: ${g!.text}`).join('\n')}`,
  );
console.log(`\nsuite time: ${Math.round(elapsedS)} s`);

const previous = await readResults(join(RESULTS, 'latest.json'));
if (previous) {
  const lines = delta(previous, sorted);
  if (lines.length)
    console.log(
      `\nchange since the previous run (${previous.date.slice(0, 16)}, ${previous.commit}):\n${lines.join('\n')}`,
    );
}
const results: Results = {
  format: 1,
  date: new Date().toISOString(),
  commit: commitOf(REPO),
  host,
  load,
  server: { version: server.version, embedded: server.embedded },
  floor: floor.label,
  options: { tenants: options.tenants, sweep: options.sweep, runs: options.runs, only: options.only },
  elapsedS,
  rows: sorted,
};
if ((options.only === null || options.save) && errors.length === 0) {
  await writeResults(RESULTS, results);
  const kept = await keptRuns(RESULTS);
  await mkdir(DOCS, { recursive: true });
  const subtitle = `20-table tenant model; ${host.cores} cores (${host.cpu}); Postgres ${server.version}; medians; ${kept
    .map((k) => k.date.slice(0, 10))
    .filter((d, i, a) => a.indexOf(d) === i)
    .join(', ')}`;
  await writeFile(
    join(DOCS, 'per-tenant.svg'),
    perTenantChart(
      kept.flatMap((k) => k.rows),
      subtitle,
    ),
  );
  await writeFile(join(DOCS, 'latest.md'), await latestMarkdown(kept, join(REPO, 'bench', 'report', 'notes.md')));
  console.log(
    `\nwrote bench/results/${options.only === null ? 'latest.json and ' : ''}tenants-${options.tenants}.json, docs/bench/per-tenant.svg, docs/bench/latest.md`,
  );
} else if (errors.length) {
  console.log(`\n${errors.length} figure(s) failed; results not saved:\n${errors.join('\n')}`);
  process.exitCode = 1;
} else {
  console.log('\n(--only: results not saved; add --save to keep them)');
}

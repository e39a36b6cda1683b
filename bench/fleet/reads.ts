import { createTenant, migrate, status } from '../../src/api/fleet.js';
import { HISTORY } from '../../src/fleet/index.js';
import { ident, literal } from '../../src/plan/quote.js';
import { BIN, runNode } from '../cli-process.js';
import { interleaved, peakRssMiB, summarize } from '../timing.js';
import { type BenchContext, type Row, rowId } from '../types.js';
import { floorOf, openFleetProject, SHARED } from './open.js';
import { fleetMatch, inSchema } from './schemas.js';

/**
 * The floor of a fleet read: one query returning every schema of the fleet with its
 * ledger rows (what `status` and a `migrate` with nothing to do must learn), connection
 * included.
 */
const readFloorSql = (n: number) =>
  `SELECT n.nspname, h.version, h.checksum, h.status FROM pg_namespace n LEFT JOIN ${HISTORY} h ON h.schema_name = n.nspname
    WHERE n.nspname LIKE ${literal(fleetMatch(n))} OR n.nspname = ${literal(SHARED)}`;

const GOAL_3S = { kind: 'ms', max: 3000, at: 10_000, text: '< 3 s at 10,000' } as const;

/** `migrate` with nothing to do and `status`, in process (API) and as the CLI a user runs. */
export async function reads(ctx: BenchContext): Promise<Row[]> {
  const n = ctx.tenants;
  const project = await openFleetProject(ctx);
  const floor = floorOf(ctx);
  const floorSql = [readFloorSql(n)];
  const floorWhat = `${floor.label.replace(/, one message per schema$/, '')}: one query of the namespaces and the ledger`;
  const rows: Row[] = [];

  const noop = await interleaved(ctx.runs, [
    {
      name: 'pgfleet',
      work: async () => {
        const r = await migrate(await project.loadFleet(), { concurrency: 4 });
        if (r.summary.applied !== 0 || r.summary.upToDate !== n + 1)
          throw new Error(`nothing-to-do run did something: ${JSON.stringify(r.summary)}`);
      },
    },
    { name: 'floor', work: () => floor.run(ctx.url, floorSql) },
  ]);
  rows.push({
    id: rowId('noop', n, 'pgfleet'),
    figure: 'migrate with nothing to do',
    tenants: n,
    who: 'pgfleet',
    time: noop.pgfleet,
    floor: noop.floor,
    floorWhat,
    rssMiB: peakRssMiB(),
    goal: GOAL_3S,
  });

  const st = await interleaved(ctx.runs, [
    {
      name: 'pgfleet',
      work: async () => {
        const s = await status(await project.loadFleet());
        if (s.tenants.length !== n) throw new Error(`status saw ${s.tenants.length} tenants, expected ${n}`);
      },
    },
    { name: 'floor', work: () => floor.run(ctx.url, floorSql) },
  ]);
  rows.push({
    id: rowId('status', n, 'pgfleet'),
    figure: 'status',
    tenants: n,
    who: 'pgfleet',
    time: st.pgfleet,
    floor: st.floor,
    floorWhat,
    rssMiB: peakRssMiB(),
    goal: GOAL_3S,
  });
  return rows;
}

/** The same two reads through the CLI: process start, oclif, config, model, database. */
export async function cliReads(ctx: BenchContext): Promise<Row[]> {
  const n = ctx.tenants;
  const project = await openFleetProject(ctx);
  const floor = floorOf(ctx);
  const floorSql = [readFloorSql(n)];
  const floorWhat = `${floor.label.replace(/, one message per schema$/, '')}: one query of the namespaces and the ledger`;
  const rows: Row[] = [];
  for (const [id, figure, args] of [
    ['noop-cli', 'migrate with nothing to do (CLI)', ['migrate', '--config', project.configPath]],
    ['status-cli', 'status (CLI)', ['status', '--config', project.configPath]],
  ] as const) {
    const times: number[] = [];
    const floors: number[] = [];
    let rss = 0;
    for (let r = 0; r < ctx.runs; r++) {
      const p = await runNode([BIN, ...args]);
      times.push(p.ms);
      rss = Math.max(rss, p.rssMiB);
      floors.push(await floor.run(ctx.url, floorSql));
    }
    rows.push({
      id: rowId(id, n, 'pgfleet'),
      figure,
      tenants: n,
      who: 'pgfleet',
      time: summarize(times),
      floor: summarize(floors),
      floorWhat,
      rssMiB: rss,
      goal: GOAL_3S,
    });
  }
  return rows;
}

/**
 * `tenant create`: a new schema at the latest tenant migration, through the API an
 * application calls at sign-up (project loaded once), and through the CLI; the floor runs
 * the same DDL in one message over a new connection.
 */
export async function tenantCreate(ctx: BenchContext): Promise<Row[]> {
  const n = ctx.tenants;
  const p = await openFleetProject(ctx);
  const project = await p.loadFleet();
  const floor = floorOf(ctx);
  const ddl = `${p.initial.up}\n${p.change.up}`;
  let i = 0;
  let j = 0;
  let c = 0;
  let s = 0;
  const t = await interleaved(ctx.runs, [
    { name: 'pgfleet', work: () => createTenant(project, `new${n}_${i++}`) },
    {
      name: 'floor',
      work: () => {
        const schema = `newf${n}_${j++}`;
        return floor.run(ctx.url, [
          inSchema(schema, SHARED, ddl).replace(/^BEGIN;/, `BEGIN;\nCREATE SCHEMA ${ident(schema)};`),
        ]);
      },
    },
    {
      name: 'cli',
      work: async () => (await runNode([BIN, 'tenant', 'create', `newc${n}_${c++}`, '--config', p.configPath])).ms,
    },
    // What an application in any language runs at sign-up, through the floor's own client.
    { name: 'sql', work: () => floor.run(ctx.url, [`SELECT pgfleet.create_tenant('news${n}_${s++}')`]) },
    // What any Node.js CLI pays before its first line runs.
    { name: 'node', work: async () => (await runNode(['-e', '0'])).ms },
  ]);
  const base = {
    figure: 'tenant create',
    tenants: n,
    floor: t.floor,
    floorWhat: `${floor.label.replace(/, one message per schema$/, '')}: the same DDL in one message, new connection`,
  };
  return [
    {
      ...base,
      id: rowId('tenant-create', n, 'pgfleet'),
      who: 'pgfleet',
      time: t.pgfleet,
      rssMiB: peakRssMiB(),
      goal: { kind: 'ratio', max: 2, at: 1000, text: '≤ 2× floor' },
    },
    {
      ...base,
      id: rowId('tenant-create-cli', n, 'pgfleet'),
      figure: 'tenant create (CLI)',
      who: 'pgfleet',
      time: t.cli,
      rssMiB: null,
      note: `Node's own start (node -e 0) took ${Math.round(t.node.median)} ms, ${(t.node.median / t.floor.median).toFixed(2)}× the floor`,
      goal: { kind: 'ratio', max: 2, at: 200, text: '≤ 2× floor' },
    },
    {
      ...base,
      id: rowId('tenant-create-sql', n, 'pgfleet'),
      figure: 'tenant create (SELECT pgfleet.create_tenant, same client as the floor)',
      who: 'pgfleet',
      time: t.sql,
      rssMiB: null,
    },
  ];
}

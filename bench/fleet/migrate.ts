import { basename } from 'node:path';
import { migrate } from '../../src/api/fleet.js';
import { readMigrations } from '../../src/migrations/index.js';
import { handRolled } from '../peers/hand-rolled.js';
import { nodePgMigrate } from '../peers/node-pg-migrate.js';
import { interleaved, peakRssMiB } from '../timing.js';
import { type BenchContext, type Row, rowId } from '../types.js';
import { expectRun, floorOf, openFleetProject, reset, SHARED } from './open.js';
import { fleetPrefix, inSchema, names, pgfleetMessage, undoScript } from './schemas.js';

/**
 * One new migration (tenant 0002: a column with a default and an index on it) across a
 * fleet of N schemas at 0001: pgfleet at concurrency 1 and 4, beside the floor running the
 * same up SQL one message per schema over one connection (and, for reference, over 4).
 * Then the peers apply the same migration schema by schema. Every run is undone (untimed)
 * before the next; the fleet is left at 0002 for the figures that follow.
 */
export async function oneMigration(ctx: BenchContext, peerRuns: number): Promise<Row[]> {
  const n = ctx.tenants;
  const project = await openFleetProject(ctx);
  const floor = floorOf(ctx);
  const fleet = names(fleetPrefix(n), n);
  const { change } = project;
  const ups = fleet.map((s) => inSchema(s, SHARED, change.up));
  const m = (await readMigrations(project.migrations)).tenant.find((x) => x.version === change.version);
  if (!m) throw new Error(`tenant migration ${change.version} is not in ${project.migrations}`);
  const pgfleetSql = fleet.map((s) => pgfleetMessage(s, SHARED, m));
  const undo = () =>
    reset(
      ctx.url,
      fleet.map((s) => undoScript(s, SHARED, change.down, change.version)),
    ).then(() => {});
  const pgfleet = (concurrency: number) => async () => {
    const r = await migrate(await project.loadFleet(), { only: { scope: 'tenant' }, concurrency });
    expectRun(`one migration at concurrency ${concurrency}`, r.summary, n);
  };
  const t = await interleaved(ctx.runs, [
    { name: 'pgfleet c1', work: pgfleet(1), after: undo },
    { name: 'floor', work: () => floor.run(ctx.url, ups, 1), after: undo },
    { name: 'pgfleet c4', work: pgfleet(4), after: undo },
    { name: 'floor c4', work: () => floor.run(ctx.url, ups, 4), after: undo },
    { name: 'floor, pgfleet SQL', work: () => floor.run(ctx.url, pgfleetSql, 1), after: undo },
  ]);
  const bookkeeping = t['floor, pgfleet SQL'].median;
  const rss = peakRssMiB();
  const figure = (k: number) => `one new migration, concurrency ${k}`;
  const floorWhat = `${floor.label}, 1 connection`;
  const rows: Row[] = [
    {
      id: rowId('migrate-c1', n, 'pgfleet'),
      figure: figure(1),
      tenants: n,
      who: 'pgfleet',
      time: t['pgfleet c1'],
      floor: t.floor,
      floorWhat,
      rssMiB: rss,
      goal: { kind: 'ratio', max: 1.5, at: 1000, text: '≤ 1.5× floor' },
      note: `the floor's client running pgfleet's own per-schema SQL (lock_timeout, advisory lock, ledger row) took ${Math.round(bookkeeping)} ms (${(bookkeeping / t.floor.median).toFixed(2)}× the floor)`,
    },
    {
      id: rowId('migrate-c4', n, 'pgfleet'),
      figure: figure(4),
      tenants: n,
      who: 'pgfleet',
      time: t['pgfleet c4'],
      floor: t.floor,
      floorWhat,
      rssMiB: rss,
      goal: { kind: 'ratio', max: 1.0, at: 1000, text: '≤ 1.0× sequential floor' },
      note: `the floor over 4 connections took ${Math.round(t['floor c4'].median)} ms`,
    },
  ];

  // Peers, after pgfleet's memory was read. Each applies 0002 to every schema, then it is undone.
  if (peerRuns === 0) {
    await pgfleet(4)();
    return rows;
  }
  const peer = { figure: figure(1), tenants: n, floor: t.floor, floorWhat, rssMiB: null };
  const migrations = [
    { name: '0001_initial', up: project.initial.up, down: '' },
    { name: basename(change.path, '.sql'), up: change.up, down: change.down },
  ];
  try {
    const npm = await nodePgMigrate(ctx.url, migrations);
    try {
      await npm.setup(fleet);
      const p = await interleaved(peerRuns, [
        {
          name: 'node-pg-migrate',
          work: () => npm.run(fleet),
          after: () =>
            reset(
              ctx.url,
              fleet.map((s) => inSchema(s, SHARED, change.down, npm.forgetSql(s))),
            ).then(() => {}),
        },
      ]);
      rows.push({
        ...peer,
        id: rowId('migrate-c1', n, 'node-pg-migrate'),
        who: 'node-pg-migrate 9.0.0 (runner per schema)',
        time: p['node-pg-migrate'],
      });
    } finally {
      await reset(ctx.url, fleet.map(npm.dropSql));
      await npm.close();
    }
  } catch (error) {
    console.error(`node-pg-migrate could not run here: ${(error as Error).message}`);
  }
  await handRolled.setup(ctx.url, fleet, migrations[0].name);
  const h = await interleaved(peerRuns, [
    {
      name: 'hand-rolled',
      work: () => handRolled.run(ctx.url, fleet, migrations),
      after: () =>
        reset(
          ctx.url,
          fleet.map((s) => inSchema(s, SHARED, change.down, handRolled.forgetSql(s, migrations[1].name))),
        ).then(() => {}),
    },
  ]);
  await reset(ctx.url, fleet.map(handRolled.dropSql));
  rows.push({
    ...peer,
    id: rowId('migrate-c1', n, 'hand-rolled'),
    who: 'hand-rolled runner (a connection per schema)',
    time: h['hand-rolled'],
  });

  // Leave the fleet at 0002 for the reads.
  await pgfleet(4)();
  return rows;
}

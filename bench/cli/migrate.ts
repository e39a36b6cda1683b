import { migrate } from '../../src/api/fleet.js';
import { BIN, runNode } from '../cli-process.js';
import { expectRun, floorOf, openFleetProject, reset, SHARED } from '../fleet/open.js';
import { fleetPrefix, inSchema, names, undoScript } from '../fleet/schemas.js';
import { interleaved } from '../timing.js';
import { type BenchContext, type Row, rowId } from '../types.js';

/**
 * One new migration across N tenant schemas through the CLI a person runs
 * (`pgfleet migrate --tenant --concurrency K`: process start, oclif, config, migrations,
 * database), beside the floor running the same up SQL one message per schema over one
 * connection. Every run is undone (untimed); the fleet is left at the new migration.
 */
export async function cliMigrate(ctx: BenchContext): Promise<Row[]> {
  const n = ctx.tenants;
  const project = await openFleetProject(ctx);
  const floor = floorOf(ctx);
  const fleet = names(fleetPrefix(n), n);
  const { change } = project;
  const ups = fleet.map((s) => inSchema(s, SHARED, change.up));
  const undo = () =>
    reset(
      ctx.url,
      fleet.map((s) => undoScript(s, SHARED, change.down, change.version)),
    ).then(() => {});
  // The fleet comes at the new migration (the figures before left it there).
  await undo();
  const cli = (k: number) => async () => {
    const p = await runNode([BIN, 'migrate', '--tenant', '--concurrency', String(k), '--config', project.configPath]);
    if (!new RegExp(`\\b${n} migrated`).test(p.stdout)) throw new Error(`pgfleet migrate printed: ${p.stdout}`);
    return p.ms;
  };
  const t = await interleaved(ctx.runs, [
    { name: 'cli c1', work: cli(1), after: undo },
    { name: 'floor', work: () => floor.run(ctx.url, ups, 1), after: undo },
    { name: 'cli c4', work: cli(4), after: undo },
    // What any Node.js CLI pays before its first line runs: the part of the gap pgfleet cannot close.
    { name: 'node', work: async () => (await runNode(['-e', '0'])).ms },
  ]);
  const nodeStart = `Node's own start (node -e 0) took ${Math.round(t.node.median)} ms, ${(t.node.median / t.floor.median).toFixed(2)}× the floor`;
  const r = await migrate(await project.loadFleet(), { only: { scope: 'tenant' }, concurrency: 4 });
  expectRun('leaving the fleet at the new migration', r.summary, n);
  const floorWhat = `${floor.label}, 1 connection`;
  return [
    {
      id: rowId('migrate-cli-c1', n, 'pgfleet'),
      figure: 'one new migration, concurrency 1 (CLI)',
      tenants: n,
      who: 'pgfleet',
      time: t['cli c1'],
      floor: t.floor,
      floorWhat,
      rssMiB: null,
      note: nodeStart,
      goal: { kind: 'ratio', max: 1.5, at: 200, text: '≤ 1.5× floor' },
    },
    {
      id: rowId('migrate-cli-c4', n, 'pgfleet'),
      figure: 'one new migration, concurrency 4 (CLI)',
      tenants: n,
      who: 'pgfleet',
      time: t['cli c4'],
      floor: t.floor,
      floorWhat,
      rssMiB: null,
      note: nodeStart,
      goal: { kind: 'ratio', max: 1.2, at: 200, text: '≤ 1.2× sequential floor' },
    },
  ];
}

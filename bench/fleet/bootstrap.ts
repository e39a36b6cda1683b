import { migrate } from '../../src/api/fleet.js';
import { interleaved, peakRssMiB } from '../timing.js';
import { type BenchContext, type Row, rowId } from '../types.js';
import { expectRun, floorOf, openFleetProject, SHARED } from './open.js';
import { createSchemas, fleetPrefix, inSchema, names, retire } from './schemas.js';

/**
 * Bootstrap of N schemas: pgfleet migrates N new, empty tenant schemas to the 20-table
 * model (tenant migration 0001); the floor runs the same SQL into N other new schemas,
 * one message per schema. Each run gets fresh schemas; earlier ones are renamed out of
 * the fleet rather than dropped.
 */
export async function bootstrap(ctx: BenchContext): Promise<Row[]> {
  const n = ctx.tenants;
  const k = ctx.bootstrapConcurrency;
  const project = await openFleetProject(ctx);
  const floor = floorOf(ctx);
  const fleet = names(fleetPrefix(n), n);
  let pgRun = 0;
  let floorRun = 0;
  let floorSchemas: string[] = [];
  const t = await interleaved(ctx.bootstrapRuns, [
    {
      name: 'pgfleet',
      before: async () => {
        if (pgRun > 0) await retire(ctx.url, fleet, `b${pgRun}`);
        await createSchemas(ctx.url, fleet);
      },
      work: async () => {
        const r = await migrate(await project.load(), { only: { scope: 'tenant' }, concurrency: k });
        expectRun('bootstrap', r.summary, n);
      },
      after: async () => {
        pgRun++;
      },
    },
    {
      name: 'floor',
      before: async () => {
        floorSchemas = names(`f${n}r${floorRun++}_`, n);
        await createSchemas(ctx.url, floorSchemas);
      },
      work: () =>
        floor.run(
          ctx.url,
          floorSchemas.map((s) => inSchema(s, SHARED, project.initial.up)),
          k,
        ),
    },
  ]);
  return [
    {
      id: rowId(`bootstrap-c${k}`, n, 'pgfleet'),
      figure: `bootstrap: migrate N new schemas to 20 tables, concurrency ${k}`,
      tenants: n,
      who: 'pgfleet',
      time: t.pgfleet,
      floor: t.floor,
      floorWhat: `${floor.label}, ${k} connection${k > 1 ? 's' : ''}`,
      rssMiB: peakRssMiB(),
      goal: { kind: 'ratio', max: 1.5, at: 1000, text: '≤ 1.5× floor' },
    },
  ];
}

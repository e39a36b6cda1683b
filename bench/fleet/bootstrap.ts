import { migrate } from '../../src/api/fleet.js';
import type { Floor } from '../floor.js';
import { interleaved, type Measured, peakRssMiB } from '../timing.js';
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
  const share = ctx.bootstrapFloorShare ?? 1;
  const sampled = share < 1;
  const t = sampled
    ? await sampledBootstrap(ctx, fleet, project.initial.up, floor)
    : await fullBootstrap(ctx, fleet, project.initial.up, floor);
  return [
    {
      id: rowId(`bootstrap-c${k}`, n, 'pgfleet'),
      figure: `bootstrap: migrate N new schemas to 20 tables, concurrency ${k}`,
      tenants: n,
      who: 'pgfleet',
      time: t.pgfleet,
      floor: t.floor,
      floorWhat: `${floor.label}, ${k} connection${k > 1 ? 's' : ''}${sampled ? `, on ${Math.round(n * share).toLocaleString('en-US')} schemas (scaled to N)` : ''}`,
      rssMiB: peakRssMiB(),
      goal: { kind: 'ratio', max: 1.5, at: 1000, text: '≤ 1.5× floor' },
      ...(sampled
        ? {
            note: `one run; pgfleet migrated the N schemas in ${SLICES} slices, after each of which the floor ran its share of ${Math.round(share * 100)} % of a slice, so both met the same growing catalog; the floor's time is scaled to N`,
          }
        : {}),
    },
  ];
}

type Timed = { pgfleet: Measured; floor: Measured };

const SLICES = 4;

/**
 * One run at a large N, where building N more schemas for the floor would double the
 * slowest figure of the suite: pgfleet migrates the fleet a slice at a time, and after
 * each slice the floor builds a sample of schemas; the floor's total is scaled up to N.
 */
async function sampledBootstrap(ctx: BenchContext, fleet: string[], sql: string, floor: Floor): Promise<Timed> {
  const project = await openFleetProject(ctx);
  const k = ctx.bootstrapConcurrency;
  const size = Math.ceil(fleet.length / SLICES);
  const share = Math.max(1, Math.round(size * (ctx.bootstrapFloorShare ?? 1)));
  let pgfleetMs = 0;
  let floorMs = 0;
  let floorSchemas = 0;
  for (let i = 0; i < fleet.length; i += size) {
    const slice = fleet.slice(i, i + size);
    await createSchemas(ctx.url, slice);
    const t0 = performance.now();
    const r = await migrate(await project.loadFleet(), { only: { scope: 'tenant' }, concurrency: k });
    pgfleetMs += performance.now() - t0;
    expectRun('bootstrap', r.summary, slice.length);
    const sample = names(`f${fleet.length}s${i}_`, share);
    await createSchemas(ctx.url, sample);
    floorMs += await floor.run(
      ctx.url,
      sample.map((s) => inSchema(s, SHARED, sql)),
      k,
    );
    floorSchemas += share;
  }
  const one = (ms: number): Measured => ({ median: ms, min: ms, max: ms, runs: 1 });
  return { pgfleet: one(pgfleetMs), floor: one((floorMs * fleet.length) / floorSchemas) };
}

/** Every run builds N schemas with pgfleet and N others with the floor, interleaved. */
async function fullBootstrap(ctx: BenchContext, fleet: string[], sql: string, floor: Floor): Promise<Timed> {
  const n = fleet.length;
  const k = ctx.bootstrapConcurrency;
  const project = await openFleetProject(ctx);
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
        const r = await migrate(await project.loadFleet(), { only: { scope: 'tenant' }, concurrency: k });
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
          floorSchemas.map((s) => inSchema(s, SHARED, sql)),
          k,
        ),
    },
  ]);
  return { pgfleet: t.pgfleet, floor: t.floor };
}

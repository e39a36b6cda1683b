import { onlineTimes } from '../online.js';
import { peakRssMiB, summarize } from '../timing.js';
import { type BenchContext, type Row, rowId } from '../types.js';

/**
 * Issue 13: the application's writes while `migrate` runs the online form of a change (a
 * FK, a CHECK, NOT NULL, a UNIQUE and an index on a table of `ctx.onlineRows` rows), beside
 * the same change as plain SQL through psql (the floor); and while `migrate` waits behind a
 * reader holding the table for 6 s. Times are write latencies, not run times: a ratio
 * under 1 means pgfleet stalls the application less than the plain SQL does.
 */
export async function onlineFigure(ctx: BenchContext): Promise<Row[]> {
  const rows = ctx.onlineRows ?? 200_000;
  const r = await onlineTimes(ctx.serverUrl, rows, ctx.floor === 'psql');
  const floorWhat = `the same change as plain SQL (one transaction) through ${ctx.floor === 'psql' ? 'psql' : 'one pg connection'}, the writer's longest write / p99 meanwhile`;
  const row = (who: string, what: string, ms: number, floorMs: number | null, extra: Partial<Row> = {}): Row => ({
    id: rowId('online', null, who),
    figure: `online: ${what} (${rows.toLocaleString('en-US')} rows, writes every 2 ms)`,
    tenants: null,
    who,
    time: summarize([ms]),
    floor: floorMs === null ? null : summarize([floorMs]),
    floorWhat: floorMs === null ? null : floorWhat,
    rssMiB: peakRssMiB(),
    ...extra,
  });
  return [
    row('pgfleet', 'longest write during migrate', r.migrate.maxMs, r.psqlPlain.maxMs, {
      goal: { kind: 'ratio', max: 0.1, at: null, text: 'longest write at least 10x shorter than the plain form' },
      note: `migrate took ${r.migrate.ms} ms, the plain SQL ${r.psqlPlain.ms} ms; goal at 1,000,000 rows: under 250 ms`,
    }),
    row('pgfleet p99', 'p99 write during migrate', r.migrate.p99Ms, r.psqlPlain.p99Ms),
    row(
      'pgfleet behind a reader',
      'longest write while migrate waits behind a 6 s reader',
      r.behindReader6s.maxMs,
      null,
      {
        goal: { kind: 'ms', max: 1500, at: null, text: 'writes never wait more than 1.5 s behind the reader' },
        note: `p99 ${r.behindReader6s.p99Ms} ms; migrate ${r.behindReader6s.migrateSucceeded ? 'succeeded' : 'FAILED'} in ${r.behindReader6s.ms} ms`,
      },
    ),
  ];
}

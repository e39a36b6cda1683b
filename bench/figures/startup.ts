import { BIN, runNode } from '../cli-process.js';
import { summarize } from '../timing.js';
import { type BenchContext, type Row, rowId } from '../types.js';

/** CLI start-up: `pgfleet --help` and `--version` beside a bare `node -e 0`. */
export async function startup(ctx: BenchContext): Promise<Row[]> {
  const runs = Math.max(ctx.runs, 5);
  const floor: number[] = [];
  const times: Record<string, number[]> = { '--help': [], '--version': [] };
  let rss: Record<string, number> = { '--help': 0, '--version': 0 };
  for (let r = 0; r < runs; r++) {
    floor.push((await runNode(['-e', '0'])).ms);
    for (const flag of Object.keys(times)) {
      const p = await runNode([BIN, flag]);
      times[flag].push(p.ms);
      rss = { ...rss, [flag]: Math.max(rss[flag], p.rssMiB) };
    }
  }
  return Object.keys(times).map((flag) => ({
    id: rowId(`startup${flag}`, null, 'pgfleet'),
    figure: `CLI start-up: pgfleet ${flag}`,
    tenants: null,
    who: 'pgfleet',
    time: summarize(times[flag]),
    floor: summarize(floor),
    floorWhat: 'node -e 0 (a bare Node.js start)',
    rssMiB: rss[flag],
    ...(flag === '--version' ? { goal: { kind: 'ratio', max: 1.3, at: null, text: '≤ 1.3× node -e 0' } as const } : {}),
  }));
}

/** Median and spread of a figure's runs, in milliseconds. */
export interface Measured {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: number;
}

export function summarize(times: readonly number[]): Measured {
  if (times.length === 0) throw new Error('no timings to summarize');
  const sorted = [...times].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], runs: sorted.length };
}

/** Median and spread of `runs` timings of `work`. */
export async function measure(runs: number, work: () => Promise<unknown>): Promise<Measured> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await time(work));
  return summarize(times);
}

/** Milliseconds `work` took. */
export async function time(work: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await work();
  return performance.now() - t0;
}

/**
 * One side of a comparison: `work` is timed (or returns its own time, as a floor that
 * starts a process does); `before` and `after` prepare and undo the database, untimed.
 */
export interface Side {
  readonly name: string;
  readonly before?: () => Promise<void>;
  readonly work: () => Promise<number | unknown>;
  readonly after?: () => Promise<void>;
}

/**
 * Run every side `runs` times, interleaved and in a rotating order (A B, B A, ...), so
 * that a slow minute of a shared machine or a growing catalog weighs on every side alike.
 */
export async function interleaved(runs: number, sides: readonly Side[]): Promise<Record<string, Measured>> {
  const times = new Map(sides.map((s) => [s.name, [] as number[]]));
  for (let r = 0; r < runs; r++) {
    const order = sides.map((_, i) => sides[(i + r) % sides.length]);
    for (const side of order) {
      await side.before?.();
      const t0 = performance.now();
      const reported = await side.work();
      const elapsed = performance.now() - t0;
      times.get(side.name)!.push(typeof reported === 'number' ? reported : elapsed);
      await side.after?.();
    }
  }
  return Object.fromEntries([...times].map(([name, t]) => [name, summarize(t)]));
}

/** Peak resident memory of this process so far, in MiB. */
export const peakRssMiB = (): number => Math.round(process.resourceUsage().maxRSS / 1024);

export function formatMs(x: number): string {
  if (x >= 10_000) return `${(x / 1000).toFixed(1)} s`;
  if (x >= 1000) return `${(x / 1000).toFixed(2)} s`;
  if (x >= 100) return `${x.toFixed(0)} ms`;
  if (x >= 10) return `${x.toFixed(1)} ms`;
  return `${x.toFixed(2)} ms`;
}

/**
 * Run `work` over `items` with at most `concurrency` at a time, in order of `items`.
 * `stop()` (e.g. after a failure with --fail-fast) makes the remaining items `skip` them.
 */
export async function forEachBounded<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
  skip: (item: T) => R,
  shouldStop: () => boolean = () => false,
): Promise<R[]> {
  const workers = Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, () => null);
  return forEachOn(workers, items, (item) => work(item), skip, shouldStop);
}

/**
 * `forEachBounded` with one worker per element of `workers` (e.g. a connection each):
 * each takes the next item when it is done with its last, so a slow item holds up only
 * its own worker.
 */
export async function forEachOn<W, T, R>(
  workers: readonly W[],
  items: readonly T[],
  work: (item: T, worker: W) => Promise<R>,
  skip: (item: T) => R,
  shouldStop: () => boolean = () => false,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (w: W) => {
    while (next < items.length) {
      const i = next++;
      results[i] = shouldStop() ? skip(items[i]) : await work(items[i], w);
    }
  };
  await Promise.all(workers.map(worker));
  return results;
}

/** `items` cut into runs of `size`. */
export const chunks = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

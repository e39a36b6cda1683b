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
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = shouldStop() ? skip(items[i]) : await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return results;
}

/** `items` cut into runs of `size`. */
export const chunks = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

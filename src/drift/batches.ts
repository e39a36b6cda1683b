import { chunks } from '../fleet/pool.js';

const MIN_FIRST_BATCH = 250;

/**
 * The indexes of `count` targets cut into batches, one fingerprint query each, for
 * `clients` connections: `batchSize` each when given, else the targets shared out between
 * the clients, 250 to 5,000 a batch (a batch of more than 1,000 schemas reads pg_class
 * whole, which costs the same for any number of schemas, so fewer, larger batches cost less).
 *
 * @example
 * batchesOf(10_000, 2).map((b) => b.length); // [250, 4875, 4875]
 */
export function batchesOf(count: number, clients: number, batchSize?: number): number[][] {
  const indexes = Array.from({ length: count }, (_, i) => i);
  // A short first batch: it meets the fleet's few distinct schemas (the shared one, the
  // usual tenant) early, and their full inspection then runs while the other connections
  // are still reading their batches, instead of after everything else.
  const head = batchSize === undefined && clients > 1 && count > 4 * MIN_FIRST_BATCH ? MIN_FIRST_BATCH : 0;
  const size = batchSize ?? Math.min(5000, Math.max(250, Math.ceil((count - head) / clients)));
  return [...(head > 0 ? [indexes.slice(0, head)] : []), ...chunks(indexes.slice(head), size)];
}

import type pg from 'pg';
import { forEachOn } from '../fleet/pool.js';
import { batchesOf } from './batches.js';
import type { Entry } from './compare.js';
import { Comparisons, type ComparisonsOptions } from './comparisons.js';
import { driftReport, type ReportOptions } from './report.js';
import type { DriftResult, DriftTarget } from './types.js';

export interface DetectOptions extends ComparisonsOptions, ReportOptions {
  /**
   * Schemas per batch: one fingerprint query each (default: the targets shared out between
   * the clients, 250 to 5,000 a batch). A batch of more than 1,000 schemas reads pg_class
   * whole (see `fingerprints`), which costs the same for any number of schemas, so fewer,
   * larger batches cost less; memory grows with the batch.
   */
  readonly batchSize?: number;
}

/**
 * Compare every target schema with its expected state and group those that drift the same
 * way. Cost, whatever the number of schemas: per batch one history read (by the caller),
 * one fingerprint query, and a full inspection (one query per object kind) of one schema
 * per distinct (expectation, fingerprint) pair, which in a healthy fleet is a handful.
 * Batches run on `clients` side by side (the catalog queries are CPU-bound on the server,
 * and cannot use parallel workers: see `printedIn`). Memory holds one small entry per
 * schema and the rows of one batch per client.
 *
 * Returns a result per schema; only a lost connection (or a broken catalog query) throws.
 */
export async function detectDrift(
  clients: readonly pg.ClientBase[],
  targets: readonly DriftTarget[],
  options: DetectOptions,
): Promise<Omit<DriftResult, 'against' | 'invalidNames'>> {
  const started = performance.now();
  const comparisons = new Comparisons(options);
  const entries: Entry[] = new Array(targets.length);
  let failed = false;
  await forEachOn(
    clients,
    batchesOf(targets.length, clients.length, options.batchSize),
    async (batch, client) => {
      try {
        const found = await comparisons.of(
          client,
          batch.map((i) => targets[i]),
        );
        found.forEach((entry, i) => {
          entries[batch[i]] = entry;
        });
      } catch (error) {
        // The other connections take no new batch: the run throws this error.
        failed = true;
        throw error;
      }
    },
    () => undefined,
    () => failed,
  );
  return driftReport(entries, options, { ...comparisons.stats, ms: Math.round(performance.now() - started) });
}

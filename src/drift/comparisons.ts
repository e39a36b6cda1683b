import pg from 'pg';
import { type ErrorCode, PgfleetError } from '../errors.js';
import { chunks } from '../fleet/pool.js';
import { type Fingerprint, fingerprints } from '../inspect/fingerprint.js';
import { inspectSchemas } from '../inspect/index.js';
import { scopeOf } from '../inspect/scope.js';
import type { IgnoreRules } from '../model/ignore.js';
import type { Model } from '../model/types.js';
import { compare, type Entry, type Outcome } from './compare.js';
import { type CompareKey, keyString } from './group.js';
import type { DriftTarget, Expectation, ExpectedModel } from './types.js';

export interface ComparisonsOptions {
  readonly sharedSchema: string;
  /** Objects left to someone else (`ignore:`): never reported. */
  readonly ignore?: IgnoreRules;
  /** The expectation of each target of a batch, in order (the caller reads history once per batch). */
  readonly expectations: (client: pg.ClientBase, targets: readonly DriftTarget[]) => Promise<readonly Expectation[]>;
  /** The expected model of a key; a PgfleetError('input') means it cannot be built (a replay failed). */
  readonly expectedModel: ExpectedModel;
  /** Schemas inspected in full per `inspectSchemas` call (default 100). */
  readonly inspectBatch?: number;
}

function errorCode(cause: unknown): ErrorCode {
  if (cause instanceof PgfleetError) return cause.code;
  if (cause instanceof pg.DatabaseError && !cause.code?.startsWith('08')) return 'internal';
  return 'connection';
}

/**
 * The comparisons of a run, one per `CompareKey` whichever batch meets it first: that
 * batch inspects one representative schema in full and compares it; every schema with the
 * key (in that batch or another, on any connection) shares the outcome. The outcome is
 * held as a promise from the moment the key is met, so a batch that meets it while it is
 * still being read waits for it instead of reading it again.
 */
export class Comparisons {
  readonly #outcomes = new Map<string, Promise<Outcome>>();
  readonly #options: ComparisonsOptions;
  #inspected = 0;

  constructor(options: ComparisonsOptions) {
    this.#options = options;
  }

  /** Distinct compare keys met, and schemas inspected in full. */
  get stats(): { fingerprints: number; inspected: number } {
    return { fingerprints: this.#outcomes.size, inspected: this.#inspected };
  }

  /** Each schema of `batch` (read on `client`) with its outcome; throws only when a query fails. */
  async of(client: pg.ClientBase, batch: readonly DriftTarget[]): Promise<Entry[]> {
    const options = this.#options;
    const expectations = await options.expectations(client, batch);
    const prints = await readFingerprints(client, batch, options.sharedSchema);
    const keys = batch.map((t, i) =>
      keyString({
        scope: t.scope,
        expected: expectations[i].key,
        withPending: expectations[i].withPending?.key ?? null,
        fingerprint: prints.get(t.schema)?.hash ?? null,
      } satisfies CompareKey),
    );
    // One representative per key no batch has met yet.
    const fresh = new Map<string, number>();
    keys.forEach((key, i) => {
      if (!this.#outcomes.has(key) && !fresh.has(key)) fresh.set(key, i);
    });
    const live = this.#inspect(
      client,
      [...fresh.values()].map((i) => batch[i].schema),
    );
    [...fresh].forEach(([key, i], n) => {
      const outcome = live[n].then((model) => compare(batch[i], model, expectations[i], options.expectedModel));
      // Awaited below, and by the batches that meet the key later: a failure is thrown there.
      outcome.catch(() => {});
      this.#outcomes.set(key, outcome);
    });
    const entries: Entry[] = [];
    for (const [i, t] of batch.entries()) {
      entries.push({
        target: t,
        expectation: expectations[i],
        exists: prints.get(t.schema)?.exists ?? false,
        outcome: await this.#outcomes.get(keys[i])!,
      });
    }
    return entries;
  }

  /** The live models of `schemas`, one promise each, read in chunks one after the other on `client`. */
  #inspect(client: pg.ClientBase, schemas: readonly string[]): Array<Promise<Model>> {
    const options = this.#options;
    let previous: Promise<unknown> = Promise.resolve();
    return chunks(schemas, options.inspectBatch ?? 100).flatMap((chunk) => {
      const live = previous.then(async () => {
        const models = await inspectSchemas(client, chunk, {
          sharedSchema: options.sharedSchema,
          ignore: options.ignore,
        });
        this.#inspected += chunk.length;
        return models;
      });
      previous = live;
      return chunk.map((schema) => live.then((models) => models.get(schema)!));
    });
  }
}

/** The catalog fingerprints of a batch, as one query. */
async function readFingerprints(
  client: pg.ClientBase,
  batch: readonly DriftTarget[],
  sharedSchema: string,
): Promise<Map<string, Fingerprint>> {
  try {
    return await fingerprints(
      client,
      scopeOf(
        batch.map((t) => t.schema),
        sharedSchema,
      ),
    );
  } catch (cause) {
    throw new PgfleetError(
      errorCode(cause),
      `reading the catalog of ${batch.length} schemas: ${(cause as Error).message}`,
      { cause },
    );
  }
}

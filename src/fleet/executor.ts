import type pg from 'pg';
import type { Scope } from '../model/types.js';
import {
  afterStop,
  applyBatch,
  BATCH_SCHEMAS,
  type BatchItem,
  BatchSizer,
  fitsBatch,
  takeBatch,
} from './apply-batch.js';
import { type ApplyOptions, applyToSchema, type SchemaResult } from './apply-schema.js';
import type { FleetConnection } from './fleet.js';
import { chunks, forEachBounded } from './pool.js';
import { INSUFFICIENT_PRIVILEGE, withGrantHint } from './privileges.js';
import { failedResult, isFailure, lockedResult, skippedResult } from './results.js';
import type { RunLog } from './run-log.js';
import type { Decision, Job } from './triage.js';
import { unitsOf } from './units.js';

type Target = { readonly schema: string; readonly scope: Scope };

/**
 * A pooled connection for `use`, the one place a fleet run connects. When none can be had,
 * every target fails with "could not connect" and `use` does not run. `use` says whether
 * the connection saw a failure: such a connection may be broken (terminated, cut) and is
 * never handed out again; so is one whose `use` threw (the error goes on).
 */
export async function withClient<T>(
  pool: pg.Pool,
  targets: readonly Target[],
  use: (client: pg.PoolClient) => Promise<{ readonly value: T; readonly broken: boolean }>,
): Promise<{ readonly ok: true; readonly value: T } | { readonly ok: false; readonly failed: SchemaResult[] }> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    const message = `could not connect: ${(error as Error).message}`;
    return { ok: false, failed: targets.map((t) => failedResult(t.schema, t.scope, message)) };
  }
  let broken = true;
  try {
    const { value, broken: sawFailure } = await use(client);
    broken = sawFailure;
    return { ok: true, value };
  } finally {
    client.release(broken);
  }
}

export interface ExecutorOptions {
  readonly shared: string;
  readonly apply: ApplyOptions;
  readonly concurrency: number;
  readonly failFast?: boolean;
  readonly batchBudgetMs?: number;
}

/**
 * Runs jobs on the fleet's pool and reports each schema's result to the run log: one
 * schema on its own connection (`one`), or many, `concurrency` connections at a time, those
 * whose work is one transaction several to a message (`many`). Never throws for a
 * database error.
 */
export class Executor {
  readonly #fleet: FleetConnection;
  readonly #log: RunLog;
  readonly #o: ExecutorOptions;
  readonly #sizer: BatchSizer;

  constructor(fleet: FleetConnection, log: RunLog, o: ExecutorOptions) {
    this.#fleet = fleet;
    this.#log = log;
    this.#o = o;
    this.#sizer = new BatchSizer(o.batchBudgetMs);
  }

  /**
   * With --fail-fast, after a failure, the schemas not started are skipped; so are they once
   * another run took over this run's lock (it stopped renewing it for longer than the expiry).
   */
  #stopping(): boolean {
    return (!!this.#o.failFast && this.#log.failures > 0) || this.#fleet.lease?.lost === true;
  }

  /** Report a decided result, or run the job. */
  settle(d: Decision): Promise<SchemaResult> {
    return d.kind === 'done' ? Promise.resolve(this.#log.report(d.result)) : this.one(d.job);
  }

  /** One schema's job on its own connection. */
  async one(job: Job, options: ApplyOptions = this.#o.apply): Promise<SchemaResult> {
    const r = await withClient(this.#fleet.pool, [job], async (client) => {
      let result: SchemaResult;
      try {
        result = await applyToSchema(client, { ...job, shared: this.#o.shared }, job.migrations, options);
      } catch (error) {
        result = failedResult(job.schema, job.scope, (error as Error).message);
      }
      return { value: this.#withHint(result), broken: isFailure(result) };
    });
    return this.#log.report(r.ok ? r.value : r.failed[0]);
  }

  /** Many schemas, in order, `concurrency` chunks at a time. */
  async many(decisions: readonly Decision[]): Promise<void> {
    await forEachBounded(
      chunks(decisions, BATCH_SCHEMAS),
      this.#o.concurrency,
      (chunk) => this.#chunk(chunk),
      () => undefined,
    );
  }

  /** Report what needs no connection, run what cannot go in a batch, then batch the rest. */
  async #chunk(chunk: readonly Decision[]): Promise<void> {
    const batchable: BatchItem[] = [];
    for (const d of chunk) {
      if (this.#stopping()) {
        const t = d.kind === 'done' ? d.result : d.job;
        this.#log.report(skippedResult(t.schema, t.scope));
      } else if (d.kind === 'done') {
        this.#log.report(d.result);
      } else if (fitsBatch(unitsOf(d.job.migrations, this.#o.apply, d.job.progress))) {
        batchable.push({ ...d.job, shared: this.#o.shared });
      } else {
        await this.one(d.job);
      }
    }
    await this.#batched(batchable);
  }

  /**
   * Schemas whose work is one transaction go to the server several to a message
   * (`applyBatch`, as many as `BatchSizer` allows); the first that fails in a batch is run
   * again on its own (`afterStop`), and the schemas after it go in the next batch.
   */
  async #batched(items: readonly BatchItem[]): Promise<void> {
    let rest = items;
    while (rest.length > 0) {
      if (this.#stopping()) {
        for (const b of rest) this.#log.report(skippedResult(b.schema, b.scope));
        return;
      }
      const batch = takeBatch(rest, this.#sizer.next());
      if (batch.length === 1) {
        const r = await this.one(batch[0]);
        if (r.status === 'applied') this.#sizer.observe(r.ms, 1);
        rest = rest.slice(1);
        continue;
      }
      const sent = await withClient(this.#fleet.pool, batch, async (client) => {
        const outcome = await applyBatch(client, this.#fleet.coordinator, batch, this.#o.apply);
        return { value: outcome, broken: outcome.stoppedAt !== null };
      });
      if (!sent.ok) {
        for (const r of sent.failed) this.#log.report(r);
        rest = rest.slice(batch.length);
        continue;
      }
      const outcome = sent.value;
      this.#sizer.observe(outcome.ms, outcome.stoppedAt ?? batch.length);
      for (const r of outcome.committed) this.#log.report(r);
      if (outcome.stoppedAt === null) {
        rest = rest.slice(batch.length);
        continue;
      }
      const failed = batch[outcome.stoppedAt];
      const next = afterStop(outcome.error?.code);
      if ('locked' in next) {
        this.#log.report(lockedResult(failed, failed.migrations[0]?.id ?? null, outcome.error?.message ?? ''));
      } else {
        await this.one(failed, { ...this.#o.apply, priorAttempts: next.priorAttempts });
      }
      rest = rest.slice(outcome.stoppedAt + 1);
    }
  }

  #withHint(r: SchemaResult): SchemaResult {
    return r.error?.code === INSUFFICIENT_PRIVILEGE
      ? { ...r, error: { ...r.error, message: withGrantHint(r.error.message, this.#fleet.url) } }
      : r;
  }
}

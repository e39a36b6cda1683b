import type pg from 'pg';
import type { Migration } from '../migrations/index.js';
import type { Scope } from '../model/types.js';
import { type ApplyOptions, LOCK_NOT_AVAILABLE, type SchemaResult, transactionMessages } from './apply-schema.js';
import { LOCKED } from './claim.js';
import { HISTORY } from './history.js';
import { type Unit, unitsOf } from './units.js';

/** One schema whose whole work is one transaction. */
export interface BatchItem {
  readonly schema: string;
  readonly scope: Scope;
  readonly shared: string;
  readonly migrations: readonly Migration[];
  /** False when its history has no failed attempt to replace (see ApplyOptions.replacesFailure). */
  readonly replacesFailure?: boolean;
}

export interface BatchOutcome {
  /** The schemas that committed, in order: a prefix of the batch. */
  readonly committed: readonly SchemaResult[];
  /** The first schema that did not commit (its transaction failed), or null when all did. */
  readonly stoppedAt: number | null;
  /** Postgres' error for that schema. */
  readonly error?: Error & { code?: string };
  /** The message's time on the server, as seen from here. */
  readonly ms: number;
}

/** Schemas per message at most, and the most text one message carries. */
export const BATCH_SCHEMAS = 20;
export const BATCH_BYTES = 1 << 20;
/**
 * The server time one message is allowed by default: Postgres runs a message to its end
 * even when the client is gone, so a killed or interrupted run still migrates what it had
 * sent. Batches are sized from the time the schemas so far took, so quick migrations
 * travel 20 to a message and a slow one (a table rewrite) goes alone, as without batches.
 */
export const BATCH_BUDGET_MS = 50;

/** How many schemas the next message may carry, from the time the schemas so far took each. */
export class BatchSizer {
  private msPerSchema = Number.POSITIVE_INFINITY;

  constructor(private readonly budgetMs = BATCH_BUDGET_MS) {}

  next(): number {
    return Math.max(1, Math.min(BATCH_SCHEMAS, Math.floor(this.budgetMs / this.msPerSchema)));
  }

  observe(ms: number, schemas: number): void {
    if (schemas > 0) this.msPerSchema = ms / schemas;
  }
}

/** Whether a schema's work can travel in a batch: one transaction of SQL, so one message body. */
export const fitsBatch = (units: readonly Unit[]): boolean =>
  // A step of a migration of several is a transaction of its own: never part of a batch.
  units.length > 0 && units.every((u) => u.kind === 'sql' && u.transactional && !u.step);

/**
 * What becomes of the schema a batch stopped at. Another run holds it: locked, as it would
 * be alone. Otherwise it runs again on its own, which traces the failure to its migration,
 * retries a lock that timed out (the batch's attempt counts against the retries) and
 * records the attempt.
 */
export function afterStop(code: string | undefined): { readonly locked: true } | { readonly priorAttempts: number } {
  if (code === LOCKED) return { locked: true };
  return { priorAttempts: code === LOCK_NOT_AVAILABLE ? 1 : 0 };
}

/** The next batch from the front of `items`: up to `size` schemas and about BATCH_BYTES of SQL. */
export function takeBatch(items: readonly BatchItem[], size: number): BatchItem[] {
  let bytes = 0;
  let k = 0;
  while (k < items.length && k < size) {
    bytes += items[k].migrations.reduce((n, m) => n + m.up.length + m.down.length, 0);
    if (k > 0 && bytes > BATCH_BYTES) break;
    k++;
  }
  return items.slice(0, k);
}

/**
 * Several schemas' transactions in one message: each schema its own BEGIN ... COMMIT, with
 * its claim (lock_timeout, search path, usability check, advisory lock), its migrations and
 * its history rows, exactly as `applyToSchema` sends them one schema at a time. Postgres
 * runs them in order and stops at the first error, so the schemas before it committed and
 * those after it never ran; which ones committed is read back from the history (on
 * `ledger`, another connection, as `client` may be the reason for the error). A fleet run
 * at concurrency 1 spends as much time waiting for the answer to a small message as the
 * server spends on it; one message per 20 schemas makes that wait one in 20.
 */
export async function applyBatch(
  client: pg.ClientBase,
  ledger: pg.ClientBase,
  batch: readonly BatchItem[],
  o: ApplyOptions,
): Promise<BatchOutcome> {
  const started = performance.now();
  const text = batch
    .map((b) =>
      transactionMessages(
        b.schema,
        b.scope,
        b.shared,
        unitsOf(b.migrations, o),
        b.replacesFailure === false ? { ...o, replacesFailure: false } : o,
      ).join('\n'),
    )
    .join('\n');
  const applied = (b: BatchItem, ms: number): SchemaResult => ({
    schema: b.schema,
    scope: b.scope,
    status: 'applied',
    migrations: b.migrations.map((m) => m.id),
    ms,
    attempts: 1,
  });
  try {
    await client.query(text);
    const ms = performance.now() - started;
    return { committed: batch.map((b) => applied(b, Math.round(ms / batch.length))), stoppedAt: null, ms };
  } catch (cause) {
    const error = cause as Error & { code?: string };
    await client.query('ROLLBACK').catch(() => {});
    const done = await committedOf(ledger, batch, o);
    // Postgres skips the rest of the message after an error: the schemas that committed are
    // those before the first that did not. (One after it may show as done when another
    // actor migrated it meanwhile; it goes back to the queue, where its lock or history stops it.)
    const stoppedAt = batch.findIndex((b) => !done.has(b.schema));
    const ms = performance.now() - started;
    const each = Math.round(ms / batch.length);
    // All committed and still an error: the answer was lost after the last COMMIT.
    if (stoppedAt < 0) return { committed: batch.map((b) => applied(b, each)), stoppedAt: null, ms };
    return { committed: batch.slice(0, stoppedAt).map((b) => applied(b, each)), stoppedAt, error, ms };
  }
}

/** The schemas of `batch` whose transaction committed: their first migration's history row says so. */
async function committedOf(ledger: pg.ClientBase, batch: readonly BatchItem[], o: ApplyOptions): Promise<Set<string>> {
  const { rows } = await ledger.query<{ schema_name: string; version: string }>(
    `SELECT schema_name, version FROM ${HISTORY}
      WHERE schema_name = ANY($1) AND status = 'applied' AND version = ANY($2)`,
    [batch.map((b) => b.schema), [...new Set(batch.map((b) => b.migrations[0].version))]],
  );
  const recorded = new Set(rows.map((r) => `${r.schema_name}\0${r.version}`));
  const has = (b: BatchItem) => recorded.has(`${b.schema}\0${b.migrations[0].version}`);
  // Up: committed when the row is there. Down: committed when it is gone (all of a
  // schema's work is one transaction, so one migration tells for all).
  return new Set(batch.filter((b) => (o.direction === 'up' ? has(b) : !has(b))).map((b) => b.schema));
}

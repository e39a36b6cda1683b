import { createHash } from 'node:crypto';
import type pg from 'pg';
import { type Migration, splitStatements } from '../migrations/index.js';
import type { Scope } from '../model/types.js';
import { literal } from '../plan/quote.js';
import { runCodeOutsideTransaction, runTransactionWithCode } from './apply-code.js';
import { claimSql, LOCK_NAMESPACE, LOCKED, searchPathOf } from './claim.js';
import { forgetSql, recordAppliedSql, recordFailure } from './history.js';
import { schemaUsableSql } from './privileges.js';

/** What happened to one schema in a fleet run. Work across schemas never throws halfway. */
export interface SchemaResult {
  /** The database (its URL without password) when the fleet spans several. */
  readonly database?: string;
  readonly schema: string;
  readonly scope: Scope;
  readonly status: 'applied' | 'up-to-date' | 'failed' | 'locked' | 'skipped';
  /** Ids of the migrations applied (or rolled back) in this run. */
  readonly migrations: readonly string[];
  readonly error?: { readonly migration: string | null; readonly message: string; readonly code?: string };
  readonly ms: number;
  readonly attempts: number;
}

export interface ApplyOptions {
  readonly direction: 'up' | 'down';
  /** Record (or forget) history without running SQL. */
  readonly fake?: boolean;
  /** `lock_timeout` for each schema's DDL, so live traffic does not queue behind it. */
  readonly lockTimeoutMs: number;
  /** How many times a schema whose lock timed out is tried again. */
  readonly retries: number;
  /** Attempts already spent on the first group elsewhere (a batch whose lock timed out): they count against `retries`. */
  readonly priorAttempts?: number;
  /** Claim each schema through pgfleet's claim function (see claim.ts) rather than an inline DO block. */
  readonly claimFunction?: boolean;
}

/** A schema's advisory lock key within pgfleet's namespace (LOCK_NAMESPACE). */
export const schemaLockKey = (schema: string): number => createHash('sha256').update(schema).digest().readInt32BE(0);

export const LOCK_NOT_AVAILABLE = '55P03';

/**
 * One transaction's worth of migrations, sent as one simple-protocol message per migration
 * (so a failure is traced to its migration) with the history row written in the same
 * transaction. bench/ sends the same messages through psql to split pgfleet's time into
 * its SQL's and its client's.
 */
export function transactionMessages(
  schema: string,
  scope: Scope,
  shared: string,
  group: readonly Migration[],
  o: ApplyOptions,
  /** Only the opening (BEGIN and the claim), for a transaction whose migrations are sent one by one (code migrations). */
  headOnly = false,
): string[] {
  const claim = claimSql({ schema, scope, shared }, o.lockTimeoutMs, schemaLockKey(schema), o.claimFunction ?? false);
  const head = `BEGIN;\n${claim};\n`;
  if (headOnly) return [head];
  return group.map((m, i) => {
    const body = o.fake ? '' : `${m[o.direction]}\n;`;
    const record = o.direction === 'up' ? recordAppliedSql(schema, m) : forgetSql(schema, m.version);
    return `${i === 0 ? head : ''}${body}\n${record};${i === group.length - 1 ? '\nCOMMIT;' : ''}`;
  });
}

/** CREATE INDEX CONCURRENTLY and the like: statement by statement, then the history row. */
async function runOutsideTransaction(
  client: pg.ClientBase,
  schema: string,
  scope: Scope,
  shared: string,
  m: Migration,
  o: ApplyOptions,
) {
  const locked = await client.query('SELECT pg_try_advisory_lock($1, $2) AS ok', [
    LOCK_NAMESPACE,
    schemaLockKey(schema),
  ]);
  if (!locked.rows[0].ok)
    throw Object.assign(new Error('schema is being migrated by another pgfleet run'), { code: LOCKED });
  try {
    // Session settings: these statements cannot run in a transaction, so SET LOCAL is not available.
    await client.query(
      `SET search_path = ${searchPathOf(schema, scope, shared)}; SET lock_timeout = ${literal(`${o.lockTimeoutMs}ms`)}; ${schemaUsableSql(schema)}`,
    );
    if (!o.fake) for (const statement of splitStatements(m[o.direction])) await client.query(statement);
    await client.query(o.direction === 'up' ? recordAppliedSql(schema, m) : forgetSql(schema, m.version));
  } finally {
    await client.query('RESET search_path; RESET lock_timeout').catch(() => {});
    await client.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_NAMESPACE, schemaLockKey(schema)]).catch(() => {});
  }
}

/** Consecutive transactional migrations share a transaction; each other one stands alone. */
function groups(migrations: readonly Migration[]): Migration[][] {
  const out: Migration[][] = [];
  for (const m of migrations) {
    const last = out.at(-1);
    if (m.transactional && last?.[0].transactional) last.push(m);
    else out.push([m]);
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Apply (or roll back) `migrations` to one schema and return what happened; never throws
 * for a database error. Each group is retried when a lock could not be had within
 * `lockTimeoutMs`; a failure rolls the group back and records the attempt.
 */
export async function applyToSchema(
  client: pg.ClientBase,
  target: { schema: string; scope: Scope; shared: string },
  migrations: readonly Migration[],
  o: ApplyOptions,
): Promise<SchemaResult> {
  const started = performance.now();
  const { schema, scope, shared } = target;
  const done: string[] = [];
  let attempts = o.priorAttempts ?? 0;
  const result = (status: SchemaResult['status'], error?: SchemaResult['error']): SchemaResult => ({
    schema,
    scope,
    status,
    migrations: done,
    ...(error ? { error } : {}),
    ms: Math.round(performance.now() - started),
    attempts,
  });
  if (migrations.length === 0) return result('up-to-date');
  for (const [g, group] of groups(migrations).entries()) {
    for (let attempt = g === 0 ? attempts : 0; ; attempt++) {
      attempts++;
      let current: Migration | null = group[0];
      try {
        if (group.some((m) => m.code) && group[0].transactional) {
          const head = transactionMessages(schema, scope, shared, [], o, true)[0];
          await runTransactionWithCode(client, target, head, group, o, (m) => {
            current = m;
          });
        } else if (group[0].code) {
          await runCodeOutsideTransaction(client, target, group[0], schemaLockKey(schema), o);
        } else if (group[0].transactional) {
          const messages = transactionMessages(schema, scope, shared, group, o);
          for (let i = 0; i < messages.length; i++) {
            current = group[i];
            await client.query(messages[i]);
          }
        } else {
          await runOutsideTransaction(client, schema, scope, shared, group[0], o);
        }
        done.push(...group.map((m) => m.id));
        break;
      } catch (cause) {
        const e = cause as Error & { code?: string };
        await client.query('ROLLBACK').catch(() => {});
        if (e.code === LOCKED)
          return result('locked', { migration: current?.id ?? null, message: e.message, code: e.code });
        if (e.code === LOCK_NOT_AVAILABLE && attempt < o.retries) {
          await sleep(100 * 2 ** attempt);
          continue;
        }
        const message =
          e.code === LOCK_NOT_AVAILABLE ? `${e.message} (gave up after ${attempt + 1} attempts)` : e.message;
        if (o.direction === 'up' && current) await recordFailure(client, schema, current, message).catch(() => {});
        return result('failed', { migration: current?.id ?? null, message, code: e.code });
      }
    }
  }
  return result('applied');
}

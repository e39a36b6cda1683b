import { createHash } from 'node:crypto';
import type pg from 'pg';
import { type Migration, splitStatements } from '../migrations/index.js';
import type { Scope } from '../model/types.js';
import { literal } from '../plan/quote.js';
import { runCodeOutsideTransaction, runTransactionWithCode } from './apply-code.js';
import { claimSql, LOCK_NAMESPACE, LOCKED, searchPathOf } from './claim.js';
import { forgetSql, recordAppliedSql, recordFailure } from './history.js';
import type { StepProgress } from './pending.js';
import { schemaUsableSql } from './privileges.js';
import { cleanUpFailedBuild, prepareRerun } from './rerun-safe.js';
import type { StepSession } from './session-access.js';
import { runThroughPooler } from './session-step.js';
import { timeoutOf } from './step-units.js';
import { completedBy, type SqlUnit, transactions, type Unit, unitsOf } from './units.js';

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
  /**
   * Where non-transactional units find a real session (see session-step.ts): `same` (the
   * default) this connection, a directDatabase pool, or null behind a transaction pooler.
   */
  readonly session?: StepSession;
  /**
   * How long one schema may spend waiting on locks (attempts that timed out and the pauses
   * between them) before it fails; absent: only `retries` bounds it.
   */
  readonly lockBudgetMs?: number;
  /** statement_timeout of the quick statements of a migration of steps (0: none). */
  readonly statementTimeoutMs?: number;
  /** statement_timeout of VALIDATE, concurrent builds, backfills and statements with a hazard (0: none). */
  readonly longStatementTimeoutMs?: number;
  /**
   * Per schema: false when the run found no failed attempt in its history, so the applied
   * row is inserted without first deleting the failed one (a statement less a schema, 5-10%
   * of a quick migration's server time). A failed row written since by another run makes
   * the insert fail on the history's primary key: the schema fails and the next run, which
   * sees that row, replaces it. Default true.
   */
  readonly replacesFailure?: boolean;
}

/** A schema's advisory lock key within pgfleet's namespace (LOCK_NAMESPACE). */
export const schemaLockKey = (schema: string): number => createHash('sha256').update(schema).digest().readInt32BE(0);

export const LOCK_NOT_AVAILABLE = '55P03';

/** The history statement that goes with `unit` (its migration's row written, or deleted going down), or ''. */
function historySql(schema: string, unit: Unit, o: Pick<ApplyOptions, 'direction' | 'replacesFailure'>): string {
  if (unit.step) return unit.step.ledger(schema);
  if (!unit.recordsHistory) return '';
  return o.direction === 'up'
    ? recordAppliedSql(schema, unit.migration, undefined, o.replacesFailure !== false)
    : forgetSql(schema, unit.migration.version);
}

/** What a unit sends in its transaction's message: a new kind of unit is a new case here. */
function messageBody(u: Unit): string {
  switch (u.kind) {
    case 'sql':
      return u.sql === null ? '' : `${u.sql}\n;`;
    case 'code':
      // Its transaction goes unit by unit (runTransactionWithCode); never part of a message.
      throw new Error(`${u.migration.path} is a code migration: it cannot run in a message`);
    default: {
      const never: never = u;
      throw new Error(`unit kind ${String((never as Unit).kind)} cannot run in a message`);
    }
  }
}

/**
 * One transaction's worth of units, sent as one simple-protocol message per unit (so a
 * failure is traced to its migration) with the history row written in the same
 * transaction. bench/ sends the same messages through psql to split pgfleet's time into
 * its SQL's and its client's.
 */
export function transactionMessages(
  schema: string,
  scope: Scope,
  shared: string,
  group: readonly Unit[],
  o: ApplyOptions,
  /** Only the opening (BEGIN and the claim), for a transaction whose units are sent one by one (code migrations). */
  headOnly = false,
): string[] {
  const claim = claimSql({ schema, scope, shared }, o.lockTimeoutMs, schemaLockKey(schema), o.claimFunction ?? false);
  const head = `BEGIN;\n${claim};\n`;
  if (headOnly) return [head];
  return group.map((u, i) => {
    const body = messageBody(u);
    return `${i === 0 ? head : ''}${body}\n${historySql(schema, u, o)};${i === group.length - 1 ? '\nCOMMIT;' : ''}`;
  });
}

/**
 * CREATE INDEX CONCURRENTLY and the like: statement by statement, then the history row, on a
 * real session (this connection, or one of directDatabase). Behind a transaction pooler
 * (`o.session` null; statements that need a session were refused before the run started)
 * each statement is an implicit transaction of its own that opens with the schema's claim.
 */
async function runOutsideTransaction(
  client: pg.ClientBase,
  schema: string,
  scope: Scope,
  shared: string,
  unit: SqlUnit,
  o: ApplyOptions,
) {
  const session = o.session === undefined ? 'same' : o.session;
  if (session === null) {
    const statements = unit.step
      ? unit.step.statements.map((s) => s.sql)
      : unit.sql === null
        ? []
        : splitStatements(unit.sql);
    const timeoutMs = unit.step ? timeoutOf(true, o) : null;
    const target = { schema, scope, shared };
    return runThroughPooler(
      client,
      target,
      statements,
      timeoutMs,
      historySql(schema, unit, o),
      schemaLockKey(schema),
      o,
    );
  }
  return onSession(client, o, 'a non-transactional step', (session) =>
    inSession(session, schema, scope, shared, unit, o),
  );
}

/**
 * `work` on a real session: this connection, or one of directDatabase's (released after,
 * discarded if `work` threw). Behind a transaction pooler without directDatabase the run was
 * refused before any schema was touched (session-step.ts), so there is none: a bug.
 */
async function onSession(
  client: pg.ClientBase,
  o: ApplyOptions,
  what: string,
  work: (session: pg.ClientBase) => Promise<void>,
): Promise<void> {
  const session = o.session === undefined ? 'same' : o.session;
  if (session === null) throw new Error(`${what} reached a transaction pooler without a real session`);
  if (session === 'same') return work(client);
  const own = await session.connect();
  let broken = true;
  try {
    await work(own);
    broken = false;
  } finally {
    own.release(broken);
  }
}

/** A non-transactional unit on a real session: session settings and lock, reset and released after. */
async function inSession(
  client: pg.ClientBase,
  schema: string,
  scope: Scope,
  shared: string,
  unit: SqlUnit,
  o: ApplyOptions,
) {
  const locked = await client.query('SELECT pg_try_advisory_lock($1, $2) AS ok', [
    LOCK_NAMESPACE,
    schemaLockKey(schema),
  ]);
  if (!locked.rows[0].ok)
    throw Object.assign(new Error('schema is being migrated by another pgfleet run'), { code: LOCKED });
  try {
    // Session settings, on this connection only and reset below: these statements cannot run
    // in a transaction, so SET LOCAL is not available.
    await client.query(
      `SET search_path = ${searchPathOf(schema, scope, shared)}; SET lock_timeout = ${literal(`${o.lockTimeoutMs}ms`)}; ${schemaUsableSql(schema)}`,
    );
    if (unit.step) {
      // A step of a migration of several: each statement made safe to run again, with the
      // long statement_timeout (builds, backfills and drops of a non-transactional step scan).
      const timeout = timeoutOf(true, o);
      for (const s of unit.step.statements) {
        if (!(await prepareRerun(client, s.sql))) continue;
        await client.query(`SET statement_timeout = ${literal(`${timeout}ms`)}`);
        await runCleaningUp(client, s.sql);
      }
    } else if (unit.sql !== null) {
      for (const statement of splitStatements(unit.sql)) {
        if (await prepareRerun(client, statement)) await runCleaningUp(client, statement);
      }
    }
    const record = historySql(schema, unit, o);
    if (record !== '') await client.query(record);
  } finally {
    await client.query('RESET search_path; RESET lock_timeout; RESET statement_timeout').catch(() => {});
    await client.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_NAMESPACE, schemaLockKey(schema)]).catch(() => {});
  }
}

/** A statement outside a transaction; a concurrent build that fails takes its INVALID index with it. */
async function runCleaningUp(client: pg.ClientBase, sql: string): Promise<void> {
  try {
    await client.query(sql);
  } catch (error) {
    await cleanUpFailedBuild(client, sql);
    throw error;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * How long to wait before trying a group again after its lock timed out (`attempt` from 0):
 * exponential from 100 ms, at most 5 s, with full jitter on its upper half, so that the
 * schemas of a run that all wait on one busy table do not come back at the same moment.
 */
export const retryDelayMs = (attempt: number, random: () => number = Math.random): number => {
  const base = Math.min(5000, 100 * 2 ** Math.min(attempt, 16));
  return Math.round(base / 2 + (random() * base) / 2);
};

/**
 * Apply (or roll back) `migrations` to one schema and return what happened; never throws
 * for a database error. The migrations are run as units (units.ts), consecutive
 * transactional ones in one transaction. Each group is retried when a lock could not be had within
 * `lockTimeoutMs`; a failure rolls the group back and records the attempt.
 */
export async function applyToSchema(
  client: pg.ClientBase,
  target: { schema: string; scope: Scope; shared: string; progress?: StepProgress | null; replacesFailure?: boolean },
  migrations: readonly Migration[],
  options: ApplyOptions,
): Promise<SchemaResult> {
  const o = target.replacesFailure === false ? { ...options, replacesFailure: false } : options;
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
  // Time spent waiting on locks, against the schema's budget.
  let waited = 0;
  for (const [g, group] of transactions(unitsOf(migrations, o, target.progress)).entries()) {
    for (let attempt = g === 0 ? attempts : 0; ; attempt++) {
      attempts++;
      const began = performance.now();
      let current: Migration | null = group[0].migration;
      try {
        if (group[0].transactional && group.some((u) => u.kind === 'code')) {
          const head = transactionMessages(schema, scope, shared, [], o, true)[0];
          const sqlMessage = (u: Unit) => `${messageBody(u)}\n${historySql(schema, u, o)};`;
          await runTransactionWithCode(client, target, head, group, o, sqlMessage, (m) => {
            current = m;
          });
        } else if (group[0].kind === 'code') {
          const unit = group[0];
          const run = (c: pg.ClientBase) => runCodeOutsideTransaction(c, target, unit, schemaLockKey(schema), o);
          // Faked, it writes the ledger only, in one transaction: any connection will do.
          if (unit.fake) await run(client);
          else await onSession(client, o, 'a code migration with transaction = false', run);
        } else if (group[0].transactional) {
          const messages = transactionMessages(schema, scope, shared, group, o);
          for (let i = 0; i < messages.length; i++) {
            current = group[i].migration;
            await client.query(messages[i]);
          }
        } else {
          await runOutsideTransaction(client, schema, scope, shared, group[0], o);
        }
        done.push(...completedBy(group));
        break;
      } catch (cause) {
        const e = cause as Error & { code?: string };
        await client.query('ROLLBACK').catch(() => {});
        if (e.code === LOCKED)
          return result('locked', { migration: current?.id ?? null, message: e.message, code: e.code });
        if (e.code === LOCK_NOT_AVAILABLE) {
          const delay = retryDelayMs(attempt);
          waited += performance.now() - began;
          if (attempt < o.retries && (o.lockBudgetMs === undefined || waited + delay < o.lockBudgetMs)) {
            waited += delay;
            await sleep(delay);
            continue;
          }
        }
        const message =
          e.code === LOCK_NOT_AVAILABLE
            ? `${e.message} (gave up after ${attempt + 1} attempts, ${Math.round(waited / 1000)} s waiting on locks)`
            : e.message;
        if (o.direction === 'up' && current)
          await recordFailure(client, schema, current, message, performance.now() - started).catch(() => {});
        return result('failed', { migration: current?.id ?? null, message, code: e.code });
      }
    }
  }
  return result('applied');
}

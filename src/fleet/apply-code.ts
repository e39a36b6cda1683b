import type pg from 'pg';
import { codeFrame, codeOf, type Migration } from '../migrations/index.js';
import type { Scope } from '../model/types.js';
import { literal } from '../plan/quote.js';
import { LOCK_NAMESPACE, LOCKED, searchPathOf } from './claim.js';
import { forgetSql, recordAppliedSql } from './history.js';
import {
  ensureBatchProgress,
  forgetProgressSql,
  type MigrationContext,
  migrationContext,
} from './migration-context.js';
import { schemaUsableSql } from './privileges.js';
import type { CodeUnit, Unit } from './units.js';

export interface CodeTarget {
  readonly schema: string;
  readonly scope: Scope;
  readonly shared: string;
}

export interface CodeRunOptions {
  readonly direction: 'up' | 'down';
  readonly lockTimeoutMs: number;
}

/**
 * Runs a code migration's `up` or `down` with `ctx`. A throw comes back with the module's
 * own line in its message (the line a reader fixes), keeping Postgres' error code so that
 * a lock timeout is retried like one from SQL.
 */
export async function callCode(m: Migration, direction: 'up' | 'down', ctx: MigrationContext): Promise<void> {
  const code = await codeOf(m);
  const fn = direction === 'up' ? code.up : code.down;
  if (!fn) throw new Error(`${m.path} has no down: it cannot be rolled back`);
  try {
    await (fn as (c: MigrationContext) => unknown)(ctx);
  } catch (cause) {
    const e = cause instanceof Error ? cause : new Error(String(cause));
    const frame = codeFrame(e, m);
    const wrapped = new Error(frame ? `${e.message} (at ${frame})` : `${e.message} (in ${m.path})`, { cause: e });
    throw Object.assign(wrapped, { code: (e as Error & { code?: string }).code });
  }
}

/**
 * One transaction of units that holds code: `head` (BEGIN and the schema's claim), then
 * each unit in turn with its history row (an SQL unit as the message `sqlMessage` makes, a
 * code unit through its module on this same connection), then COMMIT. A throw anywhere
 * leaves the caller to ROLLBACK: the schema stays exactly where it was. `onCurrent` says
 * which migration is running, for the failure's record.
 */
export async function runTransactionWithCode(
  client: pg.ClientBase,
  target: CodeTarget,
  head: string,
  group: readonly Unit[],
  o: CodeRunOptions,
  sqlMessage: (u: Unit) => string,
  onCurrent: (m: Migration) => void,
): Promise<void> {
  await client.query(head);
  for (const u of group) {
    onCurrent(u.migration);
    if (u.kind !== 'code') {
      await client.query(sqlMessage(u));
      continue;
    }
    const started = performance.now();
    if (!u.fake) await callCode(u.migration, o.direction, migrationContext(client, target));
    if (u.recordsHistory) {
      await client.query(finishSql(target.schema, u.migration, o.direction, performance.now() - started));
    }
  }
  await client.query('COMMIT');
}

/** The history row of `m` (or its removal, going down) and, for a batched code migration, the end of its progress. */
const finishSql = (schema: string, m: Migration, direction: 'up' | 'down', ms?: number): string =>
  `${direction === 'up' ? recordAppliedSql(schema, m, ms) : forgetSql(schema, m.version)};\n${m.code && !m.transactional ? `${forgetProgressSql(schema, m.version)};` : ''}`;

/**
 * A code migration with `export const transaction = false`: its queries commit as they go
 * and `ctx.batches` commits each batch with its progress, so a large table is not held in
 * one transaction and a killed run continues after the last batch that committed. The
 * schema is held with a session advisory lock meanwhile, so `client` must be a real
 * session (behind a transaction pooler, one of directDatabase); the history row is written
 * when the module returns. Faked, only the history row is written, in one transaction that
 * holds the schema's lock: any connection will do.
 */
export async function runCodeOutsideTransaction(
  client: pg.ClientBase,
  target: CodeTarget,
  unit: CodeUnit,
  lockKey: number,
  o: CodeRunOptions,
): Promise<void> {
  const m = unit.migration;
  if (unit.fake) {
    await ensureBatchProgress(client);
    await client.query('BEGIN');
    const held = await client.query('SELECT pg_try_advisory_xact_lock($1, $2) AS ok', [LOCK_NAMESPACE, lockKey]);
    if (!held.rows[0].ok)
      throw Object.assign(new Error('schema is being migrated by another pgfleet run'), { code: LOCKED });
    await client.query(`${finishSql(target.schema, m, o.direction, 0)} COMMIT`);
    return;
  }
  const locked = await client.query('SELECT pg_try_advisory_lock($1, $2) AS ok', [LOCK_NAMESPACE, lockKey]);
  if (!locked.rows[0].ok)
    throw Object.assign(new Error('schema is being migrated by another pgfleet run'), { code: LOCKED });
  const started = performance.now();
  try {
    const searchPath = searchPathOf(target.schema, target.scope, target.shared);
    // Session settings: the module's own queries run outside any transaction of ours.
    await client.query(
      `SET search_path = ${searchPath}; SET lock_timeout = ${literal(`${o.lockTimeoutMs}ms`)}; ${schemaUsableSql(target.schema)}`,
    );
    await ensureBatchProgress(client);
    const ctx = migrationContext(client, target, { version: m.version, direction: o.direction, searchPath });
    await callCode(m, o.direction, ctx);
    await client.query(`BEGIN; ${finishSql(target.schema, m, o.direction, performance.now() - started)} COMMIT`);
  } finally {
    await client.query('RESET search_path; RESET lock_timeout').catch(() => {});
    await client.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_NAMESPACE, lockKey]).catch(() => {});
  }
}

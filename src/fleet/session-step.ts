import type pg from 'pg';
import { PgfleetError } from '../errors.js';
import { type Migration, splitStatements } from '../migrations/index.js';
import type { Scope } from '../model/types.js';
import { literal } from '../plan/quote.js';
import { claimSql, LOCK_NAMESPACE, LOCKED, searchPathOf } from './claim.js';
import { schemaUsableSql } from './privileges.js';
import type { SessionAccess, StepSession } from './session-access.js';

/** Leading `--` lines and `/* *\/` blocks, which say nothing about what a statement is. */
const LEADING_COMMENTS = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/;

/**
 * Whether Postgres refuses to run `statement` inside a transaction block (PreventInTransactionBlock):
 * such a statement needs a session of its own, where its search_path and lock_timeout are
 * session settings. Everything else in a non-transactional migration can run as a
 * transaction of its own, with transaction-local settings, through any pooler. Errs on the
 * side of a session (a `CONCURRENTLY` anywhere counts).
 */
export function needsOwnSession(statement: string): boolean {
  const s = statement.replace(LEADING_COMMENTS, '');
  return (
    /\bCONCURRENTLY\b/i.test(s) ||
    /^(VACUUM|CLUSTER|CHECKPOINT|ALTER\s+SYSTEM|(CREATE|DROP)\s+(DATABASE|TABLESPACE|SUBSCRIPTION)|REINDEX\s+(SYSTEM|DATABASE|SCHEMA))\b/i.test(
      s,
    )
  );
}

/** The first statement of `m`'s `direction` section that needs a session, or null. */
export const sessionStatementOf = (m: Migration, direction: 'up' | 'down'): string | null =>
  m.transactional ? null : (splitStatements(m[direction]).find(needsOwnSession) ?? null);

const firstLine = (sql: string) => {
  const line = sql.replace(LEADING_COMMENTS, '').split('\n')[0];
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
};

/**
 * How this run reaches a real session for its non-transactional steps, decided before any
 * schema is touched. Without work that needs one, nothing is probed. With it: directDatabase
 * when configured, else the fleet's own connections when they are real sessions; behind a
 * transaction pooler without directDatabase the run stops here, naming the step and the
 * setting to add (unless `planOnly`, which reports it instead).
 */
export async function stepSession(
  access: SessionAccess,
  url: string,
  migrations: readonly Migration[],
  direction: 'up' | 'down',
  fake = false,
): Promise<StepSession> {
  const blocking = fake ? null : sessionBlocker(migrations, direction);
  if (!blocking) return migrations.some((m) => !m.transactional) && !fake ? access.session() : null;
  const session = await access.session();
  if (session !== null) return session;
  throw new PgfleetError('input', `${await refusal(access, url, blocking)}; nothing was run`, {
    hint: 'add `directDatabase: postgres://...` (the Postgres server itself, not the pooler) to pgfleet.yaml, at the top or on this database in `databases:`, then run this again',
  });
}

/** The first migration (with its statement) that needs a real session, or null. */
export function sessionBlocker(
  migrations: readonly Migration[],
  direction: 'up' | 'down',
): { migration: Migration; statement: string } | null {
  for (const m of migrations) {
    const statement = sessionStatementOf(m, direction);
    if (statement) return { migration: m, statement };
  }
  return null;
}

/** Why a run that needs a session cannot have one, for the error and for `--plan`. */
export async function refusal(
  access: SessionAccess,
  url: string,
  blocking: { migration: Migration; statement: string },
): Promise<string> {
  const mode = await access.mode();
  const what = mode.kind === 'pgbouncer' ? 'a PgBouncer' : 'a connection pooler';
  return `${blocking.migration.path} runs \`${firstLine(blocking.statement)}\` outside a transaction, which needs a real session, and ${url} is ${what} (transaction pooling assumed) with no directDatabase`;
}

export interface StepTarget {
  readonly schema: string;
  readonly scope: Scope;
  readonly shared: string;
}

export interface StepOptions {
  readonly lockTimeoutMs: number;
  readonly claimFunction?: boolean;
  readonly session?: StepSession;
}

/**
 * A non-transactional migration (CREATE INDEX CONCURRENTLY and the like): statement by
 * statement, then its history row. On a real session (`o.session`: `same` for `client`
 * itself, or a directDatabase pool) as Postgres needs for such statements: the schema's
 * advisory lock, search_path and lock_timeout are session state, set and reset around
 * it. Without one (behind a transaction pooler, for statements that may run in a
 * transaction block; the others were refused by `stepSession`): each statement is one
 * message, an implicit transaction that opens with the schema's claim (transaction-local
 * settings, the transaction-scoped advisory lock), so no state outlives it.
 */
export async function runNonTransactional(
  client: pg.ClientBase,
  target: StepTarget,
  sql: string | null,
  record: string,
  key: number,
  o: StepOptions,
): Promise<void> {
  const session = o.session ?? null;
  if (session === null) {
    const claim = claimSql(target, o.lockTimeoutMs, key, o.claimFunction ?? false);
    if (sql !== null) for (const statement of splitStatements(sql)) await client.query(`${claim};\n${statement}`);
    if (record !== '') await client.query(`${claim};\n${record}`);
    return;
  }
  if (session === 'same') return inSession(client, target, sql, record, key, o);
  const own = await session.connect();
  let broken = true;
  try {
    await inSession(own, target, sql, record, key, o);
    broken = false;
  } finally {
    own.release(broken);
  }
}

async function inSession(
  client: pg.ClientBase,
  target: StepTarget,
  sql: string | null,
  record: string,
  key: number,
  o: StepOptions,
): Promise<void> {
  const locked = await client.query('SELECT pg_try_advisory_lock($1, $2) AS ok', [LOCK_NAMESPACE, key]);
  if (!locked.rows[0].ok)
    throw Object.assign(new Error('schema is being migrated by another pgfleet run'), { code: LOCKED });
  try {
    // Session settings: these statements cannot run in a transaction, so SET LOCAL is not
    // available; this is a real session (never a pooled one), and they are reset below.
    await client.query(
      `SET search_path = ${searchPathOf(target.schema, target.scope, target.shared)}; SET lock_timeout = ${literal(`${o.lockTimeoutMs}ms`)}; ${schemaUsableSql(target.schema)}`,
    );
    if (sql !== null) for (const statement of splitStatements(sql)) await client.query(statement);
    if (record !== '') await client.query(record);
  } finally {
    await client.query('RESET search_path; RESET lock_timeout').catch(() => {});
    await client.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_NAMESPACE, key]).catch(() => {});
  }
}

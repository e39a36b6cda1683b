import type pg from 'pg';
import { PgfleetError } from '../errors.js';
import { type Migration, migrationSteps, splitStatements } from '../migrations/index.js';
import type { Scope } from '../model/types.js';
import { literal } from '../plan/quote.js';
import { claimSql } from './claim.js';
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

/** What stands for the statement of a batched code migration in the refusal: its module's code. */
const BATCHED_CODE = 'its code (export const transaction = false)';

/**
 * The first statement of `m`'s `direction` section that needs a session, or null. A code
 * migration with `transaction = false` needs one as a whole: its queries run outside any
 * transaction of pgfleet's, with the schema's search path and lock held by the session.
 */
export function sessionStatementOf(m: Migration, direction: 'up' | 'down'): string | null {
  if (m.code && !m.transactional) return BATCHED_CODE;
  for (const step of migrationSteps(m)[direction]) {
    if (step.transactional) continue;
    const found = splitStatements(step.sql).find(needsOwnSession);
    if (found) return found;
  }
  return null;
}

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
}

/**
 * A non-transactional unit behind a transaction pooler, for statements Postgres allows in a
 * transaction block (the others were refused by `stepSession` before the run started): each
 * statement is one message, an implicit transaction that opens with the schema's claim
 * (transaction-local search_path and lock_timeout, the transaction-scoped advisory lock) and,
 * for a step, its statement_timeout, also local; so no state outlives it. Then the history row.
 */
export async function runThroughPooler(
  client: pg.ClientBase,
  target: StepTarget,
  statements: readonly string[],
  statementTimeoutMs: number | null,
  record: string,
  key: number,
  o: StepOptions,
): Promise<void> {
  const claim = claimSql(target, o.lockTimeoutMs, key, o.claimFunction ?? false);
  const timeout =
    statementTimeoutMs === null
      ? ''
      : `SELECT pg_catalog.set_config('statement_timeout', ${literal(`${statementTimeoutMs}ms`)}, true);\n`;
  for (const statement of statements) await client.query(`${claim};\n${timeout}${statement}`);
  if (record !== '') await client.query(`${claim};\n${record}`);
}

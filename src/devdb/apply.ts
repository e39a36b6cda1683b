import type pg from 'pg';
import { ident } from '../plan/quote.js';

/** A statement to run (structurally the planner's `Statement`). */
export interface Runnable {
  readonly sql: string;
  readonly transactional: boolean;
}

/** `SET LOCAL search_path` text for a schema list, every name quoted. */
export const searchPath = (schemas: readonly string[]): string =>
  `SET LOCAL search_path = ${schemas.map(ident).join(', ')}`;

/**
 * Run statements with `search_path` set to `schemas`: consecutive transactional
 * statements share one transaction; a non-transactional one (CREATE INDEX CONCURRENTLY)
 * runs on its own. On error the open transaction is rolled back and the error rethrown
 * with the failing statement attached as `statement`.
 */
export async function applyStatements(
  client: pg.ClientBase,
  statements: readonly Runnable[],
  schemas: readonly string[],
): Promise<void> {
  let i = 0;
  while (i < statements.length) {
    const s = statements[i];
    if (!s.transactional) {
      // A session setting, reset at once: the dev database is a server pgfleet owns (or a
      // devDatabase URL that must be a real session, never a transaction pooler), and a
      // statement that cannot run in a transaction has no SET LOCAL to use.
      await runOne(client, `SET search_path = ${schemas.map(ident).join(', ')}`, s.sql);
      await client.query('RESET search_path');
      i++;
      continue;
    }
    let end = i;
    while (end < statements.length && statements[end].transactional) end++;
    const group = statements.slice(i, end);
    i = end;
    // The group in one message: a statement per round trip made replaying and verifying a
    // migration of a few thousand statements take minutes. Only when Postgres rejects it is
    // it run again statement by statement (the failed transaction left nothing behind), to
    // say which statement failed.
    if (await runAtOnce(client, group, schemas)) continue;
    await client.query('BEGIN');
    try {
      await client.query(searchPath(schemas));
      for (const s of group) await runStatement(client, s.sql);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    }
  }
}

/** `statements` in one transaction and one message; false (rolled back) when Postgres rejects any. */
export async function runAtOnce(
  client: pg.ClientBase,
  statements: readonly { readonly sql: string }[],
  schemas: readonly string[],
): Promise<boolean> {
  // A statement may end in a `--` comment: its `;` goes on a line of its own.
  const body = statements.map((s) => `${s.sql}\n;`).join('\n');
  try {
    await client.query(`BEGIN;\n${searchPath(schemas)};\n${body}\nCOMMIT;`);
    return true;
  } catch {
    await client.query('ROLLBACK').catch(() => {});
    return false;
  }
}

async function runOne(client: pg.ClientBase, setup: string, sql: string) {
  await client.query(setup);
  await runStatement(client, sql);
}

async function runStatement(client: pg.ClientBase, sql: string) {
  try {
    await client.query(sql);
  } catch (error) {
    Object.assign(error as object, { statement: sql });
    throw error;
  }
}

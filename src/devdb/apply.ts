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
    await client.query('BEGIN');
    try {
      await client.query(searchPath(schemas));
      while (i < statements.length && statements[i].transactional) {
        await runStatement(client, statements[i].sql);
        i++;
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    }
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

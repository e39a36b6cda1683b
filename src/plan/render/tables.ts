import type { Table } from '../../model/types.js';
import { ident } from '../quote.js';
import { commentOnColumn, commentOnTable } from './comments.js';
import { checkClause, columnDefinition, primaryKeyClause, uniqueClause } from './definitions.js';
import { hazard, type Rendered, rendered, sql } from './rendered.js';

/** CREATE TABLE with columns, primary key, unique and check constraints; then its comments. */
export function createTable(t: Table): Rendered {
  const lines = [
    ...t.columns.map(columnDefinition),
    ...(t.primaryKey ? [primaryKeyClause(t.primaryKey)] : []),
    ...t.uniques.map(uniqueClause),
    ...t.checks.map(checkClause),
  ];
  const statements = [sql(`CREATE TABLE ${ident(t.name)} (\n  ${lines.join(',\n  ')}\n)`)];
  if (t.comment !== null) statements.push(commentOnTable(t.name, t.comment));
  for (const c of t.columns) if (c.comment !== null) statements.push(commentOnColumn(t.name, c.name, c.comment));
  return rendered(statements);
}

export const dropTable = (t: Table): Rendered =>
  rendered([sql(`DROP TABLE ${ident(t.name)}`)], [hazard('deletes_data', t.name, `drops table ${t.name} and its rows`)]);

export const renameTable = (from: string, to: string): Rendered =>
  rendered([sql(`ALTER TABLE ${ident(from)} RENAME TO ${ident(to)}`)]);

export const setTableComment = (table: string, comment: string | null): Rendered =>
  rendered([commentOnTable(table, comment)]);

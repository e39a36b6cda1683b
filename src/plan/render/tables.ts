import type { Table } from '../../model/types.js';
import { ident } from '../quote.js';
import { commentOnColumn, commentOnTable } from './comments.js';
import { checkClause, columnDefinition, primaryKeyClause, uniqueClause } from './definitions.js';
import { hazard, type Rendered, rendered, sql } from './rendered.js';

/**
 * CREATE TABLE with columns, primary key, unique and check constraints (and its partition
 * key); then its comments. A partition takes its columns from its parent and lists only its
 * own constraints.
 */
export function createTable(t: Table): Rendered {
  const constraints = [
    ...(t.primaryKey ? [primaryKeyClause(t.primaryKey)] : []),
    ...t.uniques.map(uniqueClause),
    ...t.checks.map(checkClause),
  ];
  const lines = t.partitionOf ? constraints : [...t.columns.map(columnDefinition), ...constraints];
  const body = lines.length > 0 || !t.partitionOf ? ` (\n  ${lines.join(',\n  ')}\n)` : '';
  const head = t.partitionOf
    ? `CREATE TABLE ${ident(t.name)} PARTITION OF ${ident(t.partitionOf.parent)}${body} ${t.partitionOf.bound}`
    : `CREATE TABLE ${ident(t.name)}${body}${t.partitionBy ? ` PARTITION BY ${t.partitionBy}` : ''}`;
  const statements = [sql(head)];
  if (t.comment !== null) statements.push(commentOnTable(t.name, t.comment));
  for (const c of t.columns) if (c.comment !== null) statements.push(commentOnColumn(t.name, c.name, c.comment));
  return rendered(statements);
}

/** A partition moved to another range of values: detached and attached again (which scans it). */
export const setPartitionBound = (table: string, parent: string, bound: string): Rendered =>
  rendered(
    [
      sql(`ALTER TABLE ${ident(parent)} DETACH PARTITION ${ident(table)}`),
      sql(`ALTER TABLE ${ident(parent)} ATTACH PARTITION ${ident(table)} ${bound}`),
    ],
    [hazard('blocks_writes', table, `attaching ${table} to ${parent} checks every row of ${table} under a lock`)],
  );

export const dropTable = (t: Table): Rendered =>
  rendered(
    [sql(`DROP TABLE ${ident(t.name)}`)],
    [hazard('deletes_data', t.name, `drops table ${t.name} and its rows`)],
  );

export const renameTable = (from: string, to: string): Rendered =>
  rendered([sql(`ALTER TABLE ${ident(from)} RENAME TO ${ident(to)}`)]);

export const setTableComment = (table: string, comment: string | null): Rendered =>
  rendered([commentOnTable(table, comment)]);

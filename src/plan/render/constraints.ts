import type { PrimaryKey, TableConstraint } from '../../model/types.js';
import { ident } from '../quote.js';
import type { PlanOptions } from '../types.js';
import { constraintClause, primaryKeyClause } from './definitions.js';
import { hazard, type Rendered, rendered, sql } from './rendered.js';

function requireName(name: string | null, what: string): string {
  if (name === null) throw new Error(`cannot drop or rename an unnamed ${what}: inspect the schema to learn its name`);
  return name;
}

export const addPrimaryKey = (table: string, pk: PrimaryKey): Rendered =>
  rendered(
    [sql(`ALTER TABLE ${ident(table)} ADD ${primaryKeyClause(pk)}`)],
    [hazard('blocks_writes', table, `adding the primary key of ${table} builds an index under an exclusive lock`)],
  );

export const dropPrimaryKey = (table: string, pk: PrimaryKey): Rendered =>
  rendered([sql(`ALTER TABLE ${ident(table)} DROP CONSTRAINT ${ident(requireName(pk.name, 'primary key'))}`)]);

export function addConstraint(table: string, c: TableConstraint, options: PlanOptions): Rendered {
  const what =
    c.kind === 'foreignKey'
      ? 'validating the foreign key'
      : c.kind === 'unique'
        ? 'building the unique index'
        : 'validating the check';
  return rendered(
    [sql(`ALTER TABLE ${ident(table)} ADD ${constraintClause(c, options)}`)],
    [
      hazard(
        'blocks_writes',
        `${table}.${c.name ?? c.kind}`,
        `${what} ${c.name ?? ''} scans ${table} under a lock`.replace('  ', ' '),
      ),
    ],
  );
}

export const dropConstraint = (table: string, c: TableConstraint): Rendered =>
  rendered([sql(`ALTER TABLE ${ident(table)} DROP CONSTRAINT ${ident(requireName(c.name, c.kind))}`)]);

export const renameConstraint = (table: string, from: string, to: string): Rendered =>
  rendered([sql(`ALTER TABLE ${ident(table)} RENAME CONSTRAINT ${ident(from)} TO ${ident(to)}`)]);

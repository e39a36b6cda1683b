import type {
  CheckConstraint,
  Column,
  Deferrable,
  FkAction,
  ForeignKey,
  Index,
  IndexElement,
  PrimaryKey,
  TableConstraint,
  UniqueConstraint,
} from '../../model/types.js';
import { SHARED_PREFIX } from '../../model/types.js';
import { ident, identList, qualified } from '../quote.js';
import { roundTripSql } from '../round-trip-sql.js';
import type { PlanOptions } from '../types.js';

/** `name type [COLLATE c] [GENERATED ...] [DEFAULT e] [NOT NULL]`, as in CREATE TABLE and ADD COLUMN. */
export function columnDefinition(c: Column): string {
  const parts = [ident(c.name), c.type];
  if (c.collation !== null) parts.push(`COLLATE ${ident(c.collation)}`);
  if (c.generated !== null) parts.push(`GENERATED ALWAYS AS (${roundTripSql(c.generated)}) STORED`);
  if (c.identity !== null) parts.push(`GENERATED ${c.identity.toUpperCase()} AS IDENTITY`);
  if (c.default !== null) parts.push(`DEFAULT ${roundTripSql(c.default)}`);
  if (!c.nullable) parts.push('NOT NULL');
  return parts.join(' ');
}

const named = (name: string | null) => (name === null ? '' : `CONSTRAINT ${ident(name)} `);

const deferrable = (d: Deferrable) => (d === 'not deferrable' ? '' : ` ${d.toUpperCase()}`);

const action = (on: string, a: FkAction) => (a === 'no action' ? '' : ` ON ${on} ${a.toUpperCase()}`);

export const primaryKeyClause = (pk: PrimaryKey): string => `${named(pk.name)}PRIMARY KEY (${identList(pk.columns)})`;

export const uniqueClause = (u: UniqueConstraint): string =>
  `${named(u.name)}UNIQUE ${u.nullsNotDistinct ? 'NULLS NOT DISTINCT ' : ''}(${identList(u.columns)})${deferrable(u.deferrable)}`;

export const checkClause = (c: CheckConstraint): string => `${named(c.name)}CHECK (${roundTripSql(c.expression)})`;

/** A referenced table: `shared.<t>` from a tenant points into the configured shared schema. */
export function tableReference(refTable: string, options: PlanOptions): string {
  if (refTable.startsWith(SHARED_PREFIX)) return qualified(options.sharedSchema, refTable.slice(SHARED_PREFIX.length));
  return ident(refTable);
}

export const foreignKeyClause = (fk: ForeignKey, options: PlanOptions): string =>
  `${named(fk.name)}FOREIGN KEY (${identList(fk.columns)}) REFERENCES ${tableReference(fk.refTable, options)} (${identList(fk.refColumns)})` +
  `${action('DELETE', fk.onDelete)}${action('UPDATE', fk.onUpdate)}${deferrable(fk.deferrable)}`;

export function constraintClause(c: TableConstraint, options: PlanOptions): string {
  switch (c.kind) {
    case 'unique':
      return uniqueClause(c);
    case 'check':
      return checkClause(c);
    case 'foreignKey':
      return foreignKeyClause(c, options);
  }
}

function indexElement(e: IndexElement): string {
  const parts = [e.column !== null ? ident(e.column) : `(${roundTripSql(e.expression ?? '')})`];
  if (e.collation !== null) parts.push(`COLLATE ${ident(e.collation)}`);
  if (e.opclass !== null) parts.push(ident(e.opclass));
  if (e.order === 'desc') parts.push('DESC');
  // Postgres' default is NULLS LAST for ASC and NULLS FIRST for DESC; say only the exception.
  const defaultNulls = e.order === 'desc' ? 'first' : 'last';
  if (e.nulls !== defaultNulls) parts.push(`NULLS ${e.nulls.toUpperCase()}`);
  return parts.join(' ');
}

export function createIndexSql(table: string, i: Index): string {
  const head = `CREATE ${i.unique ? 'UNIQUE ' : ''}INDEX ${i.concurrently ? 'CONCURRENTLY ' : ''}`;
  const name = i.name === null ? '' : `${ident(i.name)} `;
  const using = i.method === 'btree' ? '' : ` USING ${ident(i.method)}`;
  const include = i.include.length > 0 ? ` INCLUDE (${identList(i.include)})` : '';
  const where = i.where !== null ? ` WHERE ${roundTripSql(i.where)}` : '';
  const nulls = i.nullsNotDistinct ? ' NULLS NOT DISTINCT' : '';
  return `${head}${name}ON ${ident(table)}${using} (${i.elements.map(indexElement).join(', ')})${include}${nulls}${where}`;
}

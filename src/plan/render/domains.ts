import { PgfleetError } from '../../errors.js';
import type { Domain } from '../../model/types.js';
import { ident, literal } from '../quote.js';
import { roundTripSql } from '../round-trip-sql.js';
import type { Statement } from '../types.js';
import { hazard, type Rendered, rendered, sql } from './rendered.js';

const commentOnDomain = (name: string, comment: string | null) =>
  sql(`COMMENT ON DOMAIN ${ident(name)} IS ${comment === null ? 'NULL' : literal(comment)}`);

const checkText = (name: string | null, expression: string) =>
  `${name === null ? '' : `CONSTRAINT ${ident(name)} `}CHECK (${roundTripSql(expression)})`;

export function createDomain(d: Domain): Rendered {
  const parts = [`CREATE DOMAIN ${ident(d.name)} AS ${d.type}`];
  if (d.collation !== null) parts.push(`COLLATE ${ident(d.collation)}`);
  if (d.default !== null) parts.push(`DEFAULT ${roundTripSql(d.default)}`);
  if (d.notNull) parts.push('NOT NULL');
  for (const c of d.checks) parts.push(checkText(c.name, c.expression));
  const statements = [sql(parts.join(' '))];
  if (d.comment !== null) statements.push(commentOnDomain(d.name, d.comment));
  return rendered(statements);
}

export const dropDomain = (d: Domain): Rendered => rendered([sql(`DROP DOMAIN ${ident(d.name)}`)]);

/**
 * Default, NOT NULL, checks and comment, each in place. A new check or NOT NULL is checked
 * against every column of the domain's type. The base type and collation cannot change in
 * place: that is a domain of its own, written by hand.
 */
export function alterDomain(from: Domain, to: Domain): Rendered {
  if (from.type !== to.type || from.collation !== to.collation) {
    throw new PgfleetError(
      'unsupported',
      `changing the base type or collation of domain ${to.name} (${from.type} → ${to.type}) is not supported yet`,
      { hint: 'write it by hand, in a migration of its own: `pgfleet new --scope S --name N`' },
    );
  }
  const alter = (what: string) => sql(`ALTER DOMAIN ${ident(to.name)} ${what}`);
  const out: Statement[] = [];
  const hazards = [];
  if (from.default !== to.default)
    out.push(alter(to.default === null ? 'DROP DEFAULT' : `SET DEFAULT ${roundTripSql(to.default)}`));
  if (from.notNull !== to.notNull) out.push(alter(to.notNull ? 'SET NOT NULL' : 'DROP NOT NULL'));
  const key = (c: { name: string | null; expression: string }) => `${c.name}\0${c.expression}`;
  const kept = new Set(to.checks.map(key));
  const had = new Set(from.checks.map(key));
  for (const c of from.checks) {
    if (kept.has(key(c))) continue;
    if (c.name === null)
      throw new Error(`cannot drop an unnamed check of domain ${from.name}: inspect the schema to learn its name`);
    out.push(alter(`DROP CONSTRAINT ${ident(c.name)}`));
  }
  for (const c of to.checks) {
    if (had.has(key(c))) continue;
    out.push(alter(`ADD ${checkText(c.name, c.expression)}`));
    hazards.push(
      hazard('blocks_writes', to.name, `checking ${c.name ?? 'the new check'} scans every column of type ${to.name}`),
    );
  }
  if (from.comment !== to.comment) out.push(commentOnDomain(to.name, to.comment));
  return rendered(out, hazards);
}

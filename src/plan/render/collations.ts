import { PgfleetError } from '../../errors.js';
import type { Change, TextObjectTarget } from '../../model/changes.js';
import type { Collation } from '../../model/types.js';
import { ident, literal } from '../quote.js';
import type { Statement } from '../types.js';
import { createDomain, dropDomain } from './domains.js';
import { hazard, type Rendered, rendered, sql } from './rendered.js';

/** `provider = icu, locale = '...'`: the options of CREATE COLLATION, as the model states them. */
function options(c: Collation): string {
  const parts = [`provider = ${c.provider}`];
  if (c.provider === 'libc') {
    if (c.lcCollate !== null && c.lcCollate === c.lcCtype) parts.push(`locale = ${literal(c.lcCollate)}`);
    else {
      if (c.lcCollate !== null) parts.push(`lc_collate = ${literal(c.lcCollate)}`);
      if (c.lcCtype !== null) parts.push(`lc_ctype = ${literal(c.lcCtype)}`);
    }
  } else if (c.locale !== null) parts.push(`locale = ${literal(c.locale)}`);
  // Only a nondeterministic collation says so: `deterministic = true` is the default, and
  // libc collations cannot be anything else.
  if (!c.deterministic) parts.push('deterministic = false');
  if (c.rules !== null) parts.push(`rules = ${literal(c.rules)}`);
  return parts.join(', ');
}

const commentOn = (target: TextObjectTarget, comment: string | null) =>
  sql(
    `COMMENT ON ${target.kind.toUpperCase()} ${ident(target.name)} IS ${comment === null ? 'NULL' : literal(comment)}`,
  );

export const setTextObjectComment = (target: TextObjectTarget, comment: string | null): Rendered =>
  rendered([commentOn(target, comment)]);

const create = (name: string, c: Collation): Statement => sql(`CREATE COLLATION ${ident(name)} (${options(c)})`);

export function createCollation(c: Collation): Rendered {
  const statements = [create(c.name, c)];
  if (c.comment !== null) statements.push(commentOn({ kind: 'collation', name: c.name }, c.comment));
  return rendered(statements);
}

export const dropCollation = (c: Collation): Rendered => rendered([sql(`DROP COLLATION ${ident(c.name)}`)]);

/** A name for the old collation while the new one takes its place; kept within Postgres' 63 bytes. */
const retiredName = (name: string) => `${name.slice(0, 40)}__pgfleet_old`;

/**
 * Postgres has no ALTER COLLATION for a locale, provider or determinism: the old collation
 * is renamed away, the new one created under its name, every column that uses it moved to
 * the new one (ALTER COLUMN ... TYPE with the same type: Postgres keeps the rows and rebuilds
 * the column's indexes), the attributes of composite types that use it retyped in place,
 * its domains dropped and created again, then the old one dropped. Indexes that name the
 * collation themselves are dropped before and created after this change (see
 * diff-text-objects.ts). What else holds on to the collation (a domain that columns use, a
 * composite type that is a column's type) is refused, named, as a migration to write by hand.
 */
export function recreateCollation(change: Extract<Change, { kind: 'recreate_collation' }>): Rendered {
  const { to, usages, domains, types, blocked } = change;
  if (blocked.length > 0) {
    throw new PgfleetError(
      'unsupported',
      `collation ${to.name} must be dropped and created again (Postgres cannot alter its provider, locale or determinism), and pgfleet cannot move these to the new one: ${blocked.join('; ')}`,
      {
        hint: "Postgres changes a domain's or a used composite type's collation only by rebuilding the columns of that type; write it by hand, in a migration of its own: `pgfleet new --scope S --name N`",
      },
    );
  }
  const old = retiredName(to.name);
  const statements: Statement[] = [
    sql(`ALTER COLLATION ${ident(to.name)} RENAME TO ${ident(old)}`),
    create(to.name, to),
    ...usages.map((u) =>
      sql(`ALTER TABLE ${ident(u.table)} ALTER COLUMN ${ident(u.column)} TYPE ${u.type} COLLATE ${ident(to.name)}`),
    ),
    ...types.flatMap((t) =>
      t.attributes
        .filter((a) => a.collation === to.name)
        .map((a) =>
          sql(`ALTER TYPE ${ident(t.name)} ALTER ATTRIBUTE ${ident(a.name)} TYPE ${a.type} COLLATE ${ident(to.name)}`),
        ),
    ),
    ...domains.flatMap((d) => [...dropDomain(d).statements, ...createDomain(d).statements]),
    sql(`DROP COLLATION ${ident(old)}`),
  ];
  if (to.comment !== null) statements.push(commentOn({ kind: 'collation', name: to.name }, to.comment));
  const hazards = usages.map((u) =>
    hazard(
      'blocks_writes',
      `${u.table}.${u.column}`,
      `recreating collation ${to.name} rebuilds the indexes of ${u.table}.${u.column} under an exclusive lock`,
    ),
  );
  return rendered(statements, hazards);
}

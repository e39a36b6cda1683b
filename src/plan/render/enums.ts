import type { EnumUsage } from '../../model/changes.js';
import type { Enum } from '../../model/types.js';
import { ident, literal } from '../quote.js';
import type { Hazard, Statement } from '../types.js';
import { commentOnType } from './comments.js';
import { hazard, type Rendered, rendered, sql } from './rendered.js';

export function createEnum(e: Enum): Rendered {
  const statements = [sql(`CREATE TYPE ${ident(e.name)} AS ENUM (${e.values.map(literal).join(', ')})`)];
  if (e.comment !== null) statements.push(commentOnType(e.name, e.comment));
  return rendered(statements);
}

export const dropEnum = (e: Enum): Rendered => rendered([sql(`DROP TYPE ${ident(e.name)}`)]);

/** `ALTER TYPE ... ADD VALUE` for each new value, placed next to a value that already exists. */
export function addEnumValues(from: Enum, to: Enum): Rendered {
  const present = new Set(from.values);
  const statements: Statement[] = [];
  to.values.forEach((value, i) => {
    if (present.has(value)) return;
    const after = to.values
      .slice(0, i)
      .reverse()
      .find((v) => present.has(v));
    const before = to.values.slice(i + 1).find((v) => present.has(v));
    const place =
      after !== undefined ? ` AFTER ${literal(after)}` : before !== undefined ? ` BEFORE ${literal(before)}` : '';
    statements.push(sql(`ALTER TYPE ${ident(to.name)} ADD VALUE ${literal(value)}${place}`));
    present.add(value);
  });
  return rendered(statements);
}

/** A name for the old type while the new one takes its place; kept within Postgres' 63 bytes. */
const retiredName = (name: string) => `${name.slice(0, 40)}__pgfleet_old`;

/**
 * Postgres cannot drop or reorder enum values: rename the type away, create the new one,
 * cast every column that uses it through text, drop the old type.
 */
export function recreateEnum(from: Enum, to: Enum, usages: readonly EnumUsage[]): Rendered {
  const old = retiredName(to.name);
  const type = ident(to.name);
  const statements: Statement[] = [
    sql(`ALTER TYPE ${type} RENAME TO ${ident(old)}`),
    sql(`CREATE TYPE ${type} AS ENUM (${to.values.map(literal).join(', ')})`),
  ];
  for (const u of usages) {
    const alter = `ALTER TABLE ${ident(u.table)} ALTER COLUMN ${ident(u.column)}`;
    // The old default is typed with the old enum and would block the type change.
    if (u.default !== null) statements.push(sql(`${alter} DROP DEFAULT`));
    const cast = u.array ? `${ident(u.column)}::text[]::${type}[]` : `${ident(u.column)}::text::${type}`;
    statements.push(sql(`${alter} TYPE ${type}${u.array ? '[]' : ''} USING ${cast}`));
    if (u.default !== null) statements.push(sql(`${alter} SET DEFAULT ${u.default}`));
  }
  statements.push(sql(`DROP TYPE ${ident(old)}`));
  if (to.comment !== null) statements.push(commentOnType(to.name, to.comment));
  const hazards: Hazard[] = usages.map((u) =>
    hazard('rewrites_table', `${u.table}.${u.column}`, `recreating enum ${to.name} rewrites ${u.table}`),
  );
  const removed = from.values.filter((v) => !to.values.includes(v));
  if (removed.length > 0) {
    hazards.push(
      hazard(
        'deletes_data',
        to.name,
        `removes value(s) ${removed.join(', ')} of enum ${to.name}; rows that use them make the migration fail`,
      ),
    );
  }
  return rendered(statements, hazards);
}

export const setEnumComment = (name: string, comment: string | null): Rendered =>
  rendered([commentOnType(name, comment)]);

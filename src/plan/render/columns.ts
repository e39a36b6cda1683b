import type { Column } from '../../model/types.js';
import { ident, literal } from '../quote.js';
import { roundTripSql } from '../round-trip-sql.js';
import { recreatesColumn, SET_EXPRESSION_SINCE } from '../server-features.js';
import type { Hazard, Statement } from '../types.js';
import { commentOnColumn } from './comments.js';
import { columnDefinition } from './definitions.js';
import { hazard, type Rendered, rendered, sql } from './rendered.js';

export function addColumn(table: string, c: Column): Rendered {
  const statements = [sql(`ALTER TABLE ${ident(table)} ADD COLUMN ${columnDefinition(c)}`)];
  if (c.comment !== null) statements.push(commentOnColumn(table, c.name, c.comment));
  const hazards: Hazard[] = [];
  if (c.generated !== null || c.identity !== null) {
    hazards.push(hazard('rewrites_table', `${table}.${c.name}`, `adding ${c.name} rewrites ${table}`));
  }
  return rendered(statements, hazards);
}

export const dropColumn = (table: string, c: Column): Rendered =>
  rendered(
    [sql(`ALTER TABLE ${ident(table)} DROP COLUMN ${ident(c.name)}`)],
    [hazard('deletes_data', `${table}.${c.name}`, `drops column ${table}.${c.name} and its data`)],
  );

export const renameColumn = (table: string, from: string, to: string): Rendered =>
  rendered([sql(`ALTER TABLE ${ident(table)} RENAME COLUMN ${ident(from)} TO ${ident(to)}`)]);

const INT_WIDTH: Record<string, number> = { smallint: 2, integer: 4, bigint: 8 };

/** True when values of type `from` may not fit `to` (varchar(200) → varchar(100), bigint → integer, ...). */
export function narrows(from: string, to: string): boolean {
  if (INT_WIDTH[from] && INT_WIDTH[to]) return INT_WIDTH[to] < INT_WIDTH[from];
  const m = (t: string) => /^(character varying|character|numeric|varchar|char)\((\d+)(?:,(\d+))?\)$/.exec(t);
  const a = m(from);
  const b = m(to);
  if (a && b && a[1] === b[1]) {
    return Number(b[2]) < Number(a[2]) || Number(b[3] ?? 0) < Number(a[3] ?? 0);
  }
  // Unbounded text into a bounded string type; text into numeric is a cast that fails or succeeds, not a narrowing.
  if ((from === 'text' || from === 'character varying') && b && b[1] !== 'numeric') return true;
  return false;
}

/** Widening a varchar or turning it into text is a catalog-only change in Postgres. */
function rewrites(from: string, to: string): boolean {
  if (to === 'text' && (from.startsWith('character varying') || from === 'text')) return false;
  const vc = /^character varying(?:\((\d+)\))?$/;
  const a = vc.exec(from);
  const b = vc.exec(to);
  if (a && b) return b[1] !== undefined && (a[1] === undefined || Number(b[1]) < Number(a[1]));
  return true;
}

/** timestamp <-> timestamptz: Postgres skips the copy only when the session's TimeZone is UTC. */
function zoneDependent(from: string, to: string): boolean {
  const zoned = (t: string) => (/^timestamp/.test(t) ? /with time zone|^timestamptz/.test(t) : null);
  const a = zoned(from);
  const b = zoned(to);
  return a !== null && b !== null && a !== b;
}

/**
 * Alter one column from `from` to `to`, aspect by aspect, in an order Postgres accepts:
 * the old default and identity go before a type change, the new ones come after it, and
 * NOT NULL is set last, after an optional backfill.
 */
export function alterColumn(table: string, from: Column, to: Column, serverMajor: number): Rendered {
  const t = ident(table);
  const c = ident(to.name);
  const alter = (what: string) => sql(`ALTER TABLE ${t} ALTER COLUMN ${c} ${what}`);
  const out: Statement[] = [];
  const hazards: Hazard[] = [];
  const object = `${table}.${to.name}`;
  const typeChanged = from.type !== to.type || from.collation !== to.collation;
  const defaultChanged = typeChanged || from.default !== to.default;

  // Postgres cannot turn a plain column into a generated one in place, nor (before 17)
  // change a generation expression: the column is dropped and added back, its values
  // computed anew. (The diff rebuilds its indexes, constraints and views around this
  // change.) This is also the reverse of DROP EXPRESSION.
  if (recreatesColumn(from, to, serverMajor)) {
    const drop = dropColumn(table, from);
    const add = addColumn(table, to);
    // A generated column's values are derived: dropping it loses nothing that adding it back does not compute again.
    const lost = from.generated === null ? drop.hazards : [];
    return rendered([...drop.statements, ...add.statements], [...lost, ...add.hazards]);
  }

  // SET DEFAULT replaces a default; the old one is dropped first only when the type
  // changes (it might not cast to the new type) or when there is no new one.
  if (from.default !== null && defaultChanged && (typeChanged || to.default === null)) out.push(alter('DROP DEFAULT'));
  if (from.identity !== null && to.identity === null) out.push(alter('DROP IDENTITY'));
  if (from.generated !== null && to.generated === null) out.push(alter('DROP EXPRESSION'));
  if (typeChanged) {
    // A reverse of a change that needed USING gets a plain cast back.
    const using = to.hints?.using ?? (from.hints?.using !== undefined ? `${c}::${to.type}` : undefined);
    const collate = to.collation !== null ? ` COLLATE ${ident(to.collation)}` : '';
    out.push(alter(`TYPE ${to.type}${collate}${using !== undefined ? ` USING ${using}` : ''}`));
    // A first guess: `generate` replaces it with what the dev database's catalog shows.
    if (from.type !== to.type && rewrites(from.type, to.type)) {
      const message = `changing ${object} from ${from.type} to ${to.type} rewrites ${table}`;
      hazards.push(
        zoneDependent(from.type, to.type)
          ? { ...hazard('rewrites_table', object, `${message} (unless the session's TimeZone is UTC)`), ruleOnly: true }
          : hazard('rewrites_table', object, message),
      );
    }
    if (narrows(from.type, to.type)) {
      hazards.push(
        hazard(
          'deletes_data',
          object,
          `narrowing ${object} from ${from.type} to ${to.type} may fail or lose precision`,
        ),
      );
    }
  }
  if (from.generated !== null && to.generated !== null && from.generated !== to.generated) {
    out.push({ ...alter(`SET EXPRESSION AS (${roundTripSql(to.generated)})`), since: SET_EXPRESSION_SINCE });
    hazards.push(hazard('rewrites_table', object, `recomputing ${object} rewrites ${table}`));
  }
  if (to.default !== null && defaultChanged) out.push(alter(`SET DEFAULT ${roundTripSql(to.default)}`));
  if (from.identity !== null && to.identity !== null && from.identity !== to.identity) {
    out.push(alter(`SET GENERATED ${to.identity.toUpperCase()}`));
  }
  if (from.nullable && !to.nullable) {
    const backfill = to.hints?.backfill;
    if (backfill !== undefined) out.push(sql(`UPDATE ${t} SET ${c} = ${backfill} WHERE ${c} IS NULL`));
    out.push(alter('SET NOT NULL'));
    hazards.push(hazard('blocks_writes', object, `SET NOT NULL on ${object} scans ${table} under an exclusive lock`));
  }
  if (!from.nullable && to.nullable) out.push(alter('DROP NOT NULL'));
  // Postgres adds an identity only to a column that is already NOT NULL, and starts its
  // sequence at 1 whatever the column holds: it is moved past the existing values.
  if (from.identity === null && to.identity !== null) {
    out.push(alter(`ADD GENERATED ${to.identity.toUpperCase()} AS IDENTITY`));
    const sequence = `pg_get_serial_sequence(${literal(t)}, ${literal(to.name)})`;
    out.push(sql(`SELECT setval(${sequence}, coalesce(max(${c}), 0) + 1, false) FROM ${t}`));
  }
  if (from.comment !== to.comment) out.push(commentOnColumn(table, to.name, to.comment));
  return rendered(out, hazards);
}

import { ident, literal } from '../../plan/quote.js';
import { castValidity, INPUT_SPACE } from './cast-validity.js';
import type { Check } from './checks.js';

/** How a table's rows are named in examples: its primary key columns, or null for the row's ctid. */
export type KeyColumns = readonly string[] | null;

const ROW = 'pgfleet_row';
const REF = 'pgfleet_ref';
const INPUT = 'pgfleet_in';

const keyOf = (pk: KeyColumns): string => {
  if (pk === null || pk.length === 0) return `${ROW}.ctid::text`;
  const cols = pk.map((c) => `${ROW}.${ident(c)}`);
  return cols.length === 1 ? `(${cols[0]})::text` : `ROW(${cols.join(', ')})::text`;
};

const notNull = (exprs: readonly string[]) => exprs.map((e) => `(${e}) IS NOT NULL`).join(' AND ');

/**
 * The rows that would make one check fail, as `(k text, w bigint)`: `k` a key to show (the
 * duplicated value for a unique key, else the row's primary key) and `w` how many rows it
 * stands for. Fragments of the check come from the migration text as written.
 */
export function offendingRows(check: Check, pk: KeyColumns): string {
  const from = `FROM ${check.table.sql} AS ${ROW}`;
  const key = keyOf(pk);
  switch (check.kind) {
    case 'unique': {
      const k = check.keys.length === 1 ? `(${check.keys[0]})::text` : `ROW(${check.keys.join(', ')})::text`;
      const where = [check.nullsDistinct ? notNull(check.keys) : '', check.where ? `(${check.where})` : '']
        .filter(Boolean)
        .join(' AND ');
      return `SELECT ${k} AS k, count(*) AS w ${from}${where ? ` WHERE ${where}` : ''} GROUP BY ${check.keys.join(', ')} HAVING count(*) > 1`;
    }
    case 'not_null':
      return `SELECT ${key} AS k, 1 AS w ${from} WHERE (${check.column}) IS NULL`;
    case 'check':
      return `SELECT ${key} AS k, 1 AS w ${from} WHERE NOT (${check.expression})`;
    case 'foreign_key': {
      const mine = check.columns.map((c) => `${ROW}.${c}`);
      const match = check.refColumns.map((r, i) => `${REF}.${r} = ${mine[i]}`).join(' AND ');
      const orphan = `NOT EXISTS (SELECT 1 FROM ${check.refTable} AS ${REF} WHERE ${match})`;
      // MATCH SIMPLE skips a row with any NULL in the key; MATCH FULL refuses a partly NULL key.
      const where = check.matchFull
        ? `NOT (${mine.map((c) => `${c} IS NULL`).join(' AND ')}) AND (${mine.map((c) => `${c} IS NULL`).join(' OR ')} OR ${orphan})`
        : `${notNull(mine)} AND ${orphan}`;
      return `SELECT ${key} AS k, 1 AS w ${from} WHERE ${where}`;
    }
    case 'cast': {
      // pg_input_is_valid (Postgres 16+) answers per row where a cast would abort the whole query.
      if (!check.byPredicate)
        return `SELECT ${key} AS k, 1 AS w ${from} WHERE (${check.value}) IS NOT NULL AND NOT pg_input_is_valid((${check.value})::text, ${literal(check.type)})`;
      const valid = castValidity(check.type);
      if (!valid) throw new Error(`no input predicate for ${check.type}`);
      const input = `(SELECT v, btrim(v, ${INPUT_SPACE}) AS t FROM (SELECT (${check.value})::text AS v) AS pgfleet_v) AS ${INPUT}`;
      return `SELECT ${key} AS k, 1 AS w ${from} CROSS JOIN LATERAL ${input} WHERE ${INPUT}.v IS NOT NULL AND NOT (${valid(`${INPUT}.v`, `${INPUT}.t`)})`;
    }
    case 'enum': {
      const values = `ARRAY[${check.values.map(literal).join(', ')}]::text[]`;
      const where = check.array
        ? `EXISTS (SELECT 1 FROM unnest((${check.column})::text[]) AS pgfleet_v(v) WHERE v IS NOT NULL AND v <> ALL (${values}))`
        : `(${check.column}) IS NOT NULL AND (${check.column})::text <> ALL (${values})`;
      return `SELECT ${key} AS k, 1 AS w ${from} WHERE ${where}`;
    }
    case 'rows':
      return `SELECT ${key} AS k, 1 AS w ${from}`;
  }
}

/**
 * One SELECT for several checks of a schema: per check, its index, the number of offending
 * rows and up to three keys, in one scan of the offending rows (the window sum is computed
 * before LIMIT).
 */
export function checksSelect(items: ReadonlyArray<{ index: number; check: Check; pk: KeyColumns }>): string {
  return items
    .map(
      ({ index, check, pk }) =>
        `SELECT ${index} AS i, coalesce(max(n), 0)::bigint AS n, coalesce(array_agg(k), '{}'::text[]) AS examples FROM (SELECT sum(w) OVER () AS n, k FROM (${offendingRows(check, pk)}) AS o LIMIT 3) AS x`,
    )
    .join('\nUNION ALL\n');
}

/**
 * The whole message for one schema: a READ ONLY transaction (so nothing can be written,
 * whatever a CHECK expression calls), a statement timeout, the schema's search path as
 * migrations see it, the SELECT, COMMIT.
 */
export function preflightMessage(schemas: readonly string[], select: string, statementTimeoutMs: number): string {
  return [
    'BEGIN READ ONLY',
    `SET LOCAL statement_timeout = ${Math.max(1, Math.round(statementTimeoutMs))}`,
    `SET LOCAL search_path = ${schemas.map(ident).join(', ')}`,
    select,
    'COMMIT',
  ].join(';\n');
}

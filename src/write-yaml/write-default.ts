import { raw, type YamlValue, yamlMap } from './yaml-text.js';

const NUMBER = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const NUMERIC_TYPE =
  /^(smallint|integer|bigint|int[248]?|numeric|decimal|real|double precision|float[48]?)(\(\d+(,\s*\d+)?\))?$/;

/** `character varying(100)` → `character varying`: the type a cast of a literal prints. */
const withoutModifier = (type: string): string => type.replace(/\(\d+(,\s*\d+)?\)/, '');

/**
 * A column default as Postgres prints it, written the way a user would: a YAML literal when
 * the loader would turn that literal back into exactly this text (`'draft'::text` ← `draft`,
 * `0` ← `0`, `true` ← `true`), otherwise `{ sql: ... }`.
 *
 * The loader writes a YAML string as an SQL string literal, which Postgres stores cast to the
 * column's type (without its modifier); numbers keep their digits; booleans are true/false.
 */
export function defaultValue(sql: string, columnType: string): YamlValue {
  const literal = /^'((?:[^']|'')*)'::(.+)$/s.exec(sql);
  if (literal) {
    const cast = literal[2];
    const value = literal[1].replaceAll("''", "'");
    // Postgres prints a negative number quoted (`'-1'::integer`, also on a smallint or bigint
    // column, cast to the type the parser gave the constant), which `-1` gives back.
    if (NUMERIC_TYPE.test(columnType) && NUMERIC_TYPE.test(cast) && NUMBER.test(value)) return raw(value);
    if (cast === columnType || cast === withoutModifier(columnType)) return value;
  }
  if (NUMBER.test(sql) && NUMERIC_TYPE.test(columnType)) return raw(sql);
  if ((sql === 'true' || sql === 'false') && columnType === 'boolean') return raw(sql);
  return sqlValue(sql);
}

/** `{ sql: EXPR }`. */
export const sqlValue = (sql: string): YamlValue => yamlMap([['sql', sql]]);

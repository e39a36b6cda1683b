import { literal } from '../../plan/quote.js';

/**
 * SQL for "this text is valid input for the type", given the text as it is (`raw`) and
 * with the whitespace the input functions skip removed (`trimmed`); never raises.
 */
export type ValidInput = (raw: string, trimmed: string) => string;

/** The whitespace Postgres' input functions skip (C isspace). */
export const INPUT_SPACE = `E' \\t\\n\\r\\f' || chr(11)`;

const INTEGER_RANGE: Record<string, readonly [string, string]> = {
  2: ['-32768', '32767'],
  4: ['-2147483648', '2147483647'],
  8: ['-9223372036854775808', '9223372036854775807'],
};
const INTEGER_BYTES: Record<string, 2 | 4 | 8> = {
  smallint: 2,
  int2: 2,
  integer: 4,
  int: 4,
  int4: 4,
  bigint: 8,
  int8: 8,
};
const CHARACTER = new Set(['character varying', 'varchar', 'character', 'char', 'bpchar']);
const UNLIMITED_TEXT = new Set(['text', 'character varying', 'varchar', 'bpchar']);

const TYPE = /^(?:pg_catalog\.)?([a-z][a-z0-9 ]*?)\s*(?:\(\s*(-?\d+)\s*(?:,\s*(-?\d+)\s*)?\))?$/;
const NUMERIC_SYNTAX = String.raw`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE]\s*[+-]?[0-9]+)?$`;
const EXPONENT = String.raw`[eE]\s*([+-]?[0-9]+)$`;
const UUID = String.raw`^(\{[0-9a-f]{4}(-?[0-9a-f]{4}){7}\}|[0-9a-f]{4}(-?[0-9a-f]{4}){7})$`;
const BOOLEAN = '^(t|tr|tru|true|y|ye|yes|on|of|off|f|fa|fal|fals|false|n|no|1|0)$';

/**
 * Before Postgres 16 there is no `pg_input_is_valid`, and a cast that fails aborts the whole
 * query. For the common targets of a narrowing type change this is a predicate that accepts
 * exactly what Postgres 15's input function for the type accepts (regular expressions for the
 * syntax, then range, precision and length checks guarded by CASE, so nothing can raise):
 * smallint / integer / bigint, numeric[(p[, s])], varchar(n) / char(n), text, uuid and
 * boolean. Any other type: null (the type change is listed as not checked).
 *
 * @example
 * castValidity('varchar(3)')?.('v', 't') // "char_length(rtrim(v, ' ')) <= 3"
 */
export function castValidity(type: string): ValidInput | null {
  const m = TYPE.exec(type.trim().toLowerCase().replace(/\s+/g, ' '));
  if (!m) return null;
  const [, base, first, second] = m;
  const bytes = INTEGER_BYTES[base];
  if (bytes !== undefined) {
    if (first !== undefined) return null;
    const [lo, hi] = INTEGER_RANGE[bytes];
    return (_, t) => `CASE WHEN ${t} ~ '^[+-]?[0-9]+$' THEN ${t}::numeric BETWEEN ${lo} AND ${hi} ELSE false END`;
  }
  if (base === 'numeric' || base === 'decimal') return numeric(first, second);
  if (CHARACTER.has(base) || base === 'text') {
    if (second !== undefined || (base === 'text' && first !== undefined)) return null;
    // `character` alone is character(1); varchar and bpchar alone have no limit.
    const length = first ?? (UNLIMITED_TEXT.has(base) ? null : '1');
    if (length === null) return () => 'true';
    if (Number(length) < 1) return null;
    // Too long is an error unless everything past the limit is spaces (then it is cut).
    return (raw) => `char_length(rtrim(${raw}, ' ')) <= ${Number(length)}`;
  }
  if (first !== undefined) return null;
  if (base === 'uuid') return (raw) => `${raw} ~* ${literal(UUID)}`;
  if (base === 'boolean' || base === 'bool') return (_, t) => `${t} ~* ${literal(BOOLEAN)}`;
  return null;
}

/**
 * numeric's input (Postgres 15): NaN, [+-]inf or [+-]infinity (not with a precision), or
 * digits with at most one point and an exponent under 2^30 either way, at most 16383 digits
 * after the point as written (even with a scale, even for zero). Without a precision its
 * first digit is at most 10^131071; with (p, s), rounded to s places, it has fewer than
 * p - s digits before the point. `t::numeric` is only reached once it cannot overflow.
 */
function numeric(precision: string | undefined, scale: string | undefined): ValidInput | null {
  const p = precision === undefined ? null : Number(precision);
  const s = scale === undefined ? 0 : Number(scale);
  if (p !== null && (p < 1 || p > 1000 || s < -1000 || s > 1000)) return null;
  return (_, t) => {
    const whole = `ltrim(substring(${t} from '^[+-]?([0-9]*)'), '0')`;
    const fraction = `coalesce(substring(${t} from ${literal(String.raw`\.([0-9]*)`)}), '')`;
    const exponent = `coalesce(substring(${t} from ${literal(EXPONENT)})::numeric, 0)`;
    // The power of ten of the first non-zero digit; NULL for zero.
    const first = `CASE WHEN ${whole} <> '' THEN length(${whole}) - 1 + ${exponent} WHEN ltrim(${fraction}, '0') <> '' THEN ${exponent} - (length(${fraction}) - length(ltrim(${fraction}, '0'))) - 1 END`;
    const fits =
      p === null
        ? [`ELSE coalesce(${first} <= 131071, true)`]
        : [
            `WHEN coalesce(${first} <= ${-s - 2}, true) THEN true`,
            `WHEN ${first} > ${p - s} THEN false`,
            `ELSE abs(round(${t}::numeric, ${s})) < power(10::numeric, ${p - s})`,
          ];
    return [
      'CASE',
      `WHEN ${t} ~* '^nan$' THEN true`,
      `WHEN ${t} ~* '^[+-]?inf(inity)?$' THEN ${p === null}`,
      `WHEN ${t} !~ ${literal(NUMERIC_SYNTAX)} THEN false`,
      `WHEN abs(${exponent}) >= 1073741823 THEN false`,
      `WHEN length(${fraction}) - ${exponent} > 16383 THEN false`,
      ...fits,
      'END',
    ].join(' ');
  };
}

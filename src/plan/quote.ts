/**
 * The one place where names and values become SQL text. Nothing else in pgfleet may paste
 * an identifier or a literal into SQL.
 */

// `$` is legal in a bare identifier, but quoting it keeps names clear of dollar-quoted bodies.
const PLAIN = /^[a-z_][a-z0-9_]*$/;

// Reserved words (and type-function names) that must be quoted even when lower case:
// the "R" and "T" entries of Postgres' keyword list (src/include/parser/kwlist.h).
const RESERVED = new Set(
  `all analyse analyze and any array as asc asymmetric authorization between bigint binary bit boolean both case cast char character check coalesce collate collation column concurrently constraint create cross current_catalog current_date current_role current_schema current_time current_timestamp current_user dec decimal default deferrable desc distinct do else end except exists extract false fetch float for foreign freeze from full grant greatest group grouping having ilike in initially inner inout int integer intersect interval into is isnull join json json_array json_arrayagg json_exists json_object json_objectagg json_query json_scalar json_serialize json_table json_value lateral leading least left like limit localtime localtimestamp merge_action national natural nchar none normalize not notnull null nullif numeric offset on only or order out outer overlaps overlay placing position precision primary real references returning right row select session_user setof similar smallint some substring symmetric system_user table tablesample then time timestamp to trailing treat trim true union unique user using values varchar variadic verbose when where window with xmlattributes xmlconcat xmlelement xmlexists xmlforest xmlnamespaces xmlparse xmlpi xmlroot xmlserialize xmltable`.split(
    ' ',
  ),
);

/** Quote an identifier when Postgres needs it (`order` → `"order"`, `Acme` → `"Acme"`). */
export function ident(name: string): string {
  if (name.length === 0) throw new Error('empty identifier');
  if (name.includes('\0')) throw new Error(`identifier contains a NUL byte: ${JSON.stringify(name)}`);
  if (PLAIN.test(name) && !RESERVED.has(name)) return name;
  return `"${name.replaceAll('"', '""')}"`;
}

/** `schema.name`, each part quoted as needed. */
export const qualified = (schema: string | null, name: string): string =>
  schema === null ? ident(name) : `${ident(schema)}.${ident(name)}`;

/** A string literal. Uses E'' only when a backslash is present, so output stays readable. */
export function literal(value: string): string {
  if (value.includes('\0')) throw new Error('string literal contains a NUL byte');
  const escaped = value.replaceAll("'", "''");
  return value.includes('\\') ? `E'${escaped.replaceAll('\\', '\\\\')}'` : `'${escaped}'`;
}

export const identList = (names: readonly string[]): string => names.map(ident).join(', ');

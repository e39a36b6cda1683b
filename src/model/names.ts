/**
 * Rules for names that Postgres would otherwise accept in a surprising way. Pure: tenant
 * schema names are data (from a table, a flag or a list), so they are checked before any
 * SQL is built with them.
 */

/** Postgres keeps identifiers in a `name` of NAMEDATALEN (64) bytes including the terminator. */
export const MAX_IDENTIFIER_BYTES = 63;

/** UTF-8 length of a string, counted without TextEncoder so this module needs no runtime. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

const hasLoneSurrogate = (text: string): boolean =>
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what we look for.
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Why `name` cannot be an identifier (table, column, index, ... name), or null when it can.
 * Postgres silently truncates a longer name, which would make the model and the database
 * disagree forever, so that is an error here.
 */
export function identifierProblem(name: string): string | null {
  if (name.length === 0) return 'is empty';
  if (name.includes('\0')) return 'contains a NUL character';
  if (hasLoneSurrogate(name)) return 'is not valid Unicode (it has an unpaired surrogate)';
  const bytes = utf8Length(name);
  if (bytes > MAX_IDENTIFIER_BYTES) {
    return `is ${bytes} bytes long in UTF-8; Postgres truncates names to ${MAX_IDENTIFIER_BYTES} bytes`;
  }
  return null;
}

/**
 * Why `name` cannot be a (tenant) schema name, or null when it can. Beyond the identifier
 * rules: Postgres reserves the `pg_` prefix (case-sensitively), `information_schema` always
 * exists, and control characters or surrounding spaces in a name that came from data are
 * almost certainly a mistake that would create a schema nobody can type.
 */
export function schemaNameProblem(name: string): string | null {
  const problem = identifierProblem(name);
  if (problem !== null) return problem;
  if (name.startsWith('pg_')) return 'starts with pg_, which Postgres reserves for system schemas';
  if (name === 'information_schema') return 'is the SQL standard information_schema';
  if (CONTROL.test(name)) return 'contains a control character';
  if (name.trim() !== name) return 'has leading or trailing whitespace';
  return null;
}

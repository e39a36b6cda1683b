import { MAX_IDENTIFIER_BYTES, utf8Length } from './names.js';

/**
 * The names Postgres gives constraints and indexes created without one, so that `pull` can
 * leave them out of the YAML (the loader leaves them null and Postgres names them again).
 * Pure re-implementations of `makeObjectName`, `ChooseIndexNameAddition` and
 * `ChooseForeignKeyConstraintNameAddition` (src/backend/commands/indexcmds.c, tablecmds.c).
 * They give the base name; when that name is taken Postgres appends a number
 * (`_key1`), which `pull` keeps written out.
 */

/** The first `bytes` UTF-8 bytes of `text`, cut at a character boundary (pg_mbcliplen). */
function clip(text: string, bytes: number): string {
  let out = '';
  let used = 0;
  for (const ch of text) {
    const n = utf8Length(ch);
    if (used + n > bytes) break;
    out += ch;
    used += n;
  }
  return out;
}

/**
 * `name1_name2_label` truncated to 63 bytes the way Postgres does it: the longer of the two
 * names loses a byte at a time until everything fits, so that both keep a readable part.
 */
export function makeObjectName(name1: string, name2: string | null, label: string): string {
  let n1 = utf8Length(name1);
  let n2 = name2 === null ? 0 : utf8Length(name2);
  const overhead = (label ? utf8Length(label) + 1 : 0) + (name2 !== null ? 1 : 0);
  const available = MAX_IDENTIFIER_BYTES - overhead;
  while (n1 + n2 > available) {
    if (n1 > n2) n1--;
    else n2--;
  }
  let name = clip(name1, n1);
  if (name2 !== null) name += `_${clip(name2, n2)}`;
  if (label) name += `_${label}`;
  return name;
}

/**
 * Column names joined by `_`, stopped once the text reaches NAMEDATALEN (64) bytes: the
 * middle part of a default index, unique or foreign key name.
 */
export function columnsAddition(columns: readonly string[]): string {
  let text = '';
  for (const column of columns) {
    if (text.length > 0) text += '_';
    text += clip(column, MAX_IDENTIFIER_BYTES);
    if (utf8Length(text) >= MAX_IDENTIFIER_BYTES + 1) break;
  }
  return text;
}

/** `<table>_pkey`. */
export const defaultPrimaryKeyName = (table: string): string => makeObjectName(table, null, 'pkey');

/** `<table>_<col>_<col>_key`: a UNIQUE constraint (and its index). */
export const defaultUniqueName = (table: string, columns: readonly string[]): string =>
  makeObjectName(table, columnsAddition(columns), 'key');

/** `<table>_<col>_<col>_fkey`. */
export const defaultForeignKeyName = (table: string, columns: readonly string[]): string =>
  makeObjectName(table, columnsAddition(columns), 'fkey');

/**
 * `<table>_<col>_check` when the expression reads exactly one column, else `<table>_check`.
 */
export const defaultCheckName = (table: string, column: string | null): string =>
  makeObjectName(table, column, 'check');

/** `<table>_<col>_<col>_excl`: an exclusion constraint over those columns (`expr` for an expression). */
export const defaultExclusionName = (table: string, columns: readonly string[]): string =>
  makeObjectName(table, columnsAddition(columns), 'excl');

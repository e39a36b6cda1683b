import { ident } from '../plan/quote.js';

// A string literal (skipped), a quoted identifier, or a bare word; then what follows it.
const TOKEN = /('(?:[^']|'')*')|("(?:[^"]|"")*")|([A-Za-z_][A-Za-z0-9_$]*)/g;

/**
 * An SQL expression as Postgres prints it after columns were renamed. Postgres stores check,
 * index and generation expressions as trees that follow a rename, and prints them with
 * `quote_ident`, so the from-side text of a renamed column's expressions is rewritten the
 * same way before it is compared or rebuilt. Function names (a word before `(`), type names
 * (after `::`) and qualified names (around `.`) are left alone.
 */
export function renameInSql(text: string, renames: ReadonlyMap<string, string>): string {
  if (renames.size === 0) return text;
  return text.replace(TOKEN, (token, literal: string | undefined, quoted: string | undefined, _bare, at: number) => {
    if (literal !== undefined) return token;
    const name = quoted !== undefined ? quoted.slice(1, -1).replaceAll('""', '"') : token;
    // A bare word is folded to lower case by Postgres; printed names are already lower case.
    const renamed = renames.get(name);
    if (renamed === undefined) return token;
    const before = text.slice(0, at).trimEnd();
    const after = text.slice(at + token.length).trimStart();
    if (before.endsWith('::') || before.endsWith('.') || after.startsWith('(') || after.startsWith('.')) return token;
    return ident(renamed);
  });
}

/**
 * An SQL expression as Postgres prints it, rewritten where that text would not parse back
 * into the same expression. The planner renders every stored expression (defaults,
 * generation expressions, checks, index expressions and predicates) through it, so that
 * what a migration creates prints as the model says, and a model pulled from a database
 * recreates exactly what the database holds.
 *
 * The one case known to matter: `status IN ('a', 'b')` on a varchar column (Django writes
 * these for `CheckConstraint(check=Q(status__in=...))`) is stored as a cast of a whole
 * varchar array and printed `(ARRAY['a'::character varying, ...])::text[]`. Parsed again,
 * a cast applied to an `ARRAY[...]` constructor is pushed into its elements
 * (`ARRAY[('a'::character varying)::text, ...]`), a different expression that prints
 * differently. Casting the constructor to its own element type first
 * (`(ARRAY['a'::character varying, ...]::character varying[])::text[]`) keeps the outer cast
 * on the whole array, which parses to what was stored and prints as it was.
 */
export function roundTripSql(sql: string): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i];
    if (ch === "'" || ch === '"') {
      const end = closingQuote(sql, i);
      out += sql.slice(i, end + 1);
      i = end + 1;
      continue;
    }
    if (sql.startsWith('(ARRAY[', i)) {
      const close = matching(sql, i + 6, '[', ']');
      if (close > 0 && sql.startsWith(')::', close + 1)) {
        const inner = sql.slice(i + 7, close);
        const type = commonCast(inner);
        if (type !== null) {
          out += `(ARRAY[${roundTripSql(inner)}]::${type}[])`;
          i = close + 2;
          continue;
        }
      }
    }
    out += ch;
    i++;
  }
  return out;
}

/** Index of the quote that closes the one at `open` (doubled quotes are part of the text). */
function closingQuote(sql: string, open: number): number {
  const q = sql[open];
  let i = open + 1;
  while (i < sql.length) {
    if (sql[i] === q) {
      if (sql[i + 1] === q) {
        i += 2;
        continue;
      }
      return i;
    }
    i++;
  }
  return sql.length - 1;
}

/** Index of the bracket closing the one at `open`, skipping quoted text; -1 when none. */
function matching(sql: string, open: number, left: string, right: string): number {
  let depth = 0;
  for (let i = open; i < sql.length; i++) {
    const ch = sql[i];
    if (ch === "'" || ch === '"') i = closingQuote(sql, i);
    else if (ch === left) depth++;
    else if (ch === right && --depth === 0) return i;
  }
  return -1;
}

/** The elements of an array constructor, split at top-level commas. */
function elements(inner: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i];
    if (ch === "'" || ch === '"') i = closingQuote(inner, i);
    else if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(inner.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(inner.slice(start).trim());
  return parts;
}

/** The type every element is cast to (`'a'::character varying` → `character varying`), or null. */
function commonCast(inner: string): string | null {
  let type: string | null = null;
  for (const element of elements(inner)) {
    const m = /^'(?:[^']|'')*'::([a-z][a-z0-9_ ]*(?:\(\d+(?:,\d+)?\))?)$/.exec(element);
    if (!m || (type !== null && m[1] !== type)) return null;
    type = m[1];
  }
  return type;
}

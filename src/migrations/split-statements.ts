import { PgfleetError } from '../errors.js';

const IDENT_START = /[A-Za-z_\u0080-\uffff]/;
const IDENT_PART = /[A-Za-z0-9_$\u0080-\uffff]/;
/** `$$` or `$tag$`; a tag cannot start with a digit, which is how `$1` stays a parameter. */
const DOLLAR_TAG = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y;

/**
 * Splits an SQL script into statements on top-level `;`, the way psql does, so each can be
 * sent on its own: CREATE INDEX CONCURRENTLY, for one, must be a statement by itself.
 * Semicolons inside single-quoted strings (with `''` doubling, and `\` escapes in `E'...'`),
 * double-quoted identifiers, dollar-quoted bodies (`$$`, `$tag$`), `--` and nested
 * `/* *\/` comments, parentheses, and the `BEGIN ATOMIC ... END` body of a CREATE
 * FUNCTION or PROCEDURE do not split. Each statement is returned trimmed and without its
 * `;`; statements that hold only whitespace and comments are dropped.
 *
 * Assumes `standard_conforming_strings` is on (the default since PostgreSQL 9.1): in a
 * plain `'...'` string a backslash is an ordinary character.
 *
 * @example
 * splitStatements("CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql; SELECT ';'");
 * // ['CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql', "SELECT ';'"]
 */
export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let start = 0;
  let hasCode = false;
  let parens = 0;
  // psql's heuristic for SQL-standard function bodies: in a statement that starts with
  // CREATE [OR REPLACE] FUNCTION|PROCEDURE, BEGIN opens a block that END closes (and CASE,
  // inside such a block, also ends with END), and `;` inside it does not end the statement.
  let words: string[] = [];
  let beginDepth = 0;

  const finish = (end: number) => {
    const text = sql.slice(start, end).trim();
    if (hasCode && text !== '') out.push(text);
    start = end + 1;
    hasCode = false;
    parens = 0;
    words = [];
    beginDepth = 0;
  };

  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    const next = sql[i + 1];
    if (c === '-' && next === '-') {
      const eol = sql.indexOf('\n', i);
      i = eol === -1 ? sql.length : eol + 1;
    } else if (c === '/' && next === '*') {
      i = skipBlockComment(sql, i);
    } else if (c === "'") {
      hasCode = true;
      i = skipString(sql, i, false);
    } else if (c === '"') {
      hasCode = true;
      i = skipQuoted(sql, i, '"', 'quoted identifier');
    } else if (c === '$') {
      hasCode = true;
      DOLLAR_TAG.lastIndex = i;
      const tag = DOLLAR_TAG.exec(sql);
      if (tag) {
        const close = sql.indexOf(tag[0], i + tag[0].length);
        if (close === -1) throw unterminated(sql, i, `dollar-quoted string ${tag[0]}`);
        i = close + tag[0].length;
      } else {
        i++;
      }
    } else if (IDENT_START.test(c)) {
      hasCode = true;
      let j = i + 1;
      while (j < sql.length && IDENT_PART.test(sql[j])) j++;
      const word = sql.slice(i, j);
      if ((word === 'E' || word === 'e') && sql[j] === "'") {
        i = skipString(sql, j, true);
      } else {
        beginDepth = trackBlock(word.toLowerCase(), words, beginDepth, parens);
        i = j;
      }
    } else if (/[0-9]/.test(c)) {
      // A number, including forms like 1e5, 0x1F and 1_000: consumed whole so that none of
      // its letters reads as the start of a word.
      hasCode = true;
      let j = i + 1;
      while (j < sql.length && /[A-Za-z0-9_.]/.test(sql[j])) j++;
      i = j;
    } else if (c === ';' && parens === 0 && beginDepth === 0) {
      finish(i);
      i++;
    } else {
      if (c === '(') parens++;
      else if (c === ')' && parens > 0) parens--;
      if (!/\s/.test(c)) hasCode = true;
      i++;
    }
  }
  finish(sql.length);
  return out;
}

/** Updates the BEGIN ... END depth for one unquoted word of the current statement. */
function trackBlock(word: string, words: string[], depth: number, parens: number): number {
  if (words.length < 4) words.push(word);
  const [a, b, c, d] = words;
  const routine = (w: string | undefined) => w === 'function' || w === 'procedure';
  const isRoutine = a === 'create' && (routine(b) || (b === 'or' && c === 'replace' && routine(d)));
  if (!isRoutine || parens > 0) return depth;
  if (word === 'begin') return depth + 1;
  if (word === 'case' && depth > 0) return depth + 1;
  if (word === 'end' && depth > 0) return depth - 1;
  return depth;
}

/** Index after a single-quoted string opening at `open`; `escapes` for `E'...'`, where `\` escapes the next character. */
function skipString(sql: string, open: number, escapes: boolean): number {
  let i = open + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (escapes && c === '\\') i += 2;
    else if (c === "'" && sql[i + 1] === "'") i += 2;
    else if (c === "'") return i + 1;
    else i++;
  }
  throw unterminated(sql, open, escapes ? "string E'...'" : "string '...'");
}

/** Index after a quoted run whose quote is doubled inside it. */
function skipQuoted(sql: string, open: number, quote: string, what: string): number {
  let i = open + 1;
  while (i < sql.length) {
    if (sql[i] === quote && sql[i + 1] === quote) i += 2;
    else if (sql[i] === quote) return i + 1;
    else i++;
  }
  throw unterminated(sql, open, what);
}

/** Index after a block comment; Postgres nests them, unlike C. */
function skipBlockComment(sql: string, open: number): number {
  let depth = 0;
  let i = open;
  while (i < sql.length) {
    if (sql[i] === '/' && sql[i + 1] === '*') {
      depth++;
      i += 2;
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  throw unterminated(sql, open, 'comment /* ... */');
}

function unterminated(sql: string, at: number, what: string): PgfleetError {
  const line = sql.slice(0, at).split('\n').length;
  return new PgfleetError('input', `unterminated ${what} starting on line ${line} of the SQL`, {
    hint: 'close the quote or comment; as it stands the rest of the script would be read as part of it',
  });
}

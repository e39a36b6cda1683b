/**
 * Just enough of Postgres' lexer to read the DDL statements pgfleet writes (and their
 * hand-written equivalents): words, quoted identifiers, strings, numbers, punctuation.
 * Expressions are never interpreted, only cut out of the text whole (balanced parentheses),
 * so whatever Postgres accepts inside a CHECK or a USING passes through unchanged.
 */

export interface Token {
  readonly kind: 'word' | 'quoted' | 'string' | 'number' | 'punct' | 'op';
  /** Lower case for words, unescaped for quoted identifiers, the text otherwise. */
  readonly value: string;
  readonly start: number;
  readonly end: number;
}

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_PART = /[A-Za-z0-9_$\u0080-\uffff]/;

export function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    const start = i;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '-' && sql[i + 1] === '-') {
      const eol = sql.indexOf('\n', i);
      i = eol === -1 ? sql.length : eol + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      i = close === -1 ? sql.length : close + 2;
    } else if (c === '"') {
      let j = i + 1;
      let value = '';
      while (j < sql.length) {
        if (sql[j] === '"' && sql[j + 1] === '"') {
          value += '"';
          j += 2;
        } else if (sql[j] === '"') break;
        else value += sql[j++];
      }
      i = j + 1;
      out.push({ kind: 'quoted', value, start, end: i });
    } else if (c === "'" || ((c === 'E' || c === 'e') && sql[i + 1] === "'")) {
      let j = c === "'" ? i + 1 : i + 2;
      const escapes = c !== "'";
      while (j < sql.length) {
        if (escapes && sql[j] === '\\') j += 2;
        else if (sql[j] === "'" && sql[j + 1] === "'") j += 2;
        else if (sql[j] === "'") break;
        else j++;
      }
      i = j + 1;
      out.push({ kind: 'string', value: sql.slice(start, i), start, end: i });
    } else if (c === '$' && /[A-Za-z_$]/.test(sql[i + 1] ?? '')) {
      const tag = /^\$[A-Za-z_]*\$/.exec(sql.slice(i));
      if (tag) {
        const close = sql.indexOf(tag[0], i + tag[0].length);
        i = close === -1 ? sql.length : close + tag[0].length;
        out.push({ kind: 'string', value: sql.slice(start, i), start, end: i });
      } else {
        i++;
        out.push({ kind: 'op', value: '$', start, end: i });
      }
    } else if (WORD_START.test(c)) {
      let j = i + 1;
      while (j < sql.length && WORD_PART.test(sql[j])) j++;
      i = j;
      out.push({ kind: 'word', value: sql.slice(start, i).toLowerCase(), start, end: i });
    } else if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (j < sql.length && /[0-9.eE_]/.test(sql[j])) j++;
      i = j;
      out.push({ kind: 'number', value: sql.slice(start, i), start, end: i });
    } else if ('(),.;[]'.includes(c)) {
      i++;
      out.push({ kind: 'punct', value: c, start, end: i });
    } else {
      let j = i + 1;
      while (j < sql.length && /[+\-*/<>=~!@#%^&|`?:]/.test(sql[j])) j++;
      i = j;
      out.push({ kind: 'op', value: sql.slice(start, i), start, end: i });
    }
  }
  return out;
}

/** A possibly schema-qualified name as the statement wrote it. */
export interface SqlName {
  /** The SQL text, e.g. `"Mixed".t`: valid to paste back into a query. */
  readonly sql: string;
  /** The name without quotes (folded to lower case when unquoted). */
  readonly name: string;
  readonly schema: string | null;
}

/** Walks the tokens of one statement. */
export class Cursor {
  #i = 0;
  constructor(
    readonly sql: string,
    readonly tokens: readonly Token[] = tokenize(sql),
  ) {}

  get done(): boolean {
    return this.#i >= this.tokens.length;
  }

  peek(offset = 0): Token | undefined {
    return this.tokens[this.#i + offset];
  }

  /** True (and advances) when the next tokens are these words, in order. */
  words(...words: string[]): boolean {
    for (let k = 0; k < words.length; k++) {
      const t = this.tokens[this.#i + k];
      if (!t || t.kind !== 'word' || t.value !== words[k]) return false;
    }
    this.#i += words.length;
    return true;
  }

  /** The next word, if the next token is one, without advancing. */
  word(offset = 0): string | undefined {
    const t = this.peek(offset);
    return t?.kind === 'word' ? t.value : undefined;
  }

  punct(p: string): boolean {
    const t = this.peek();
    if (t?.kind === 'punct' && t.value === p) {
      this.#i++;
      return true;
    }
    return false;
  }

  /** An identifier (a word or a quoted name), or undefined. */
  ident(): { sql: string; name: string } | undefined {
    const t = this.peek();
    if (!t || (t.kind !== 'word' && t.kind !== 'quoted')) return undefined;
    this.#i++;
    return { sql: this.sql.slice(t.start, t.end), name: t.value };
  }

  name(): SqlName | undefined {
    const first = this.ident();
    if (!first) return undefined;
    const dot = this.peek();
    const next = this.peek(1);
    if (dot?.kind === 'punct' && dot.value === '.' && next && (next.kind === 'word' || next.kind === 'quoted')) {
      this.#i++;
      const second = this.ident();
      if (second) return { sql: `${first.sql}.${second.sql}`, name: second.name, schema: first.name };
    }
    return { sql: first.sql, name: first.name, schema: null };
  }

  /** The text inside the parentheses that open here (balanced), advancing past them. */
  parens(): string | undefined {
    const open = this.peek();
    if (open?.kind !== 'punct' || open.value !== '(') return undefined;
    let depth = 0;
    for (let k = this.#i; k < this.tokens.length; k++) {
      const t = this.tokens[k];
      if (t.kind !== 'punct') continue;
      if (t.value === '(') depth++;
      else if (t.value === ')' && --depth === 0) {
        this.#i = k + 1;
        return this.sql.slice(open.end, t.start).trim();
      }
    }
    return undefined;
  }

  /** The text from here to the end (or to the next top-level word in `stop`), advancing. */
  until(stop: readonly string[] = []): string {
    const from = this.peek();
    if (!from) return '';
    let depth = 0;
    let k = this.#i;
    for (; k < this.tokens.length; k++) {
      const t = this.tokens[k];
      if (t.kind === 'punct' && t.value === '(') depth++;
      else if (t.kind === 'punct' && t.value === ')') depth--;
      else if (depth === 0 && t.kind === 'word' && stop.includes(t.value)) break;
    }
    const end = k < this.tokens.length ? this.tokens[k].start : this.sql.length;
    this.#i = k;
    return this.sql.slice(from.start, end).trim();
  }

  /** The remaining words, lower case, for recognising a statement's tail (`NOT VALID`). */
  restWords(): string[] {
    return this.tokens.slice(this.#i).flatMap((t) => (t.kind === 'word' ? [t.value] : []));
  }
}

/** `text` cut on top-level commas (not inside parentheses, strings or quotes), each part trimmed. */
export function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (const t of tokenize(text)) {
    if (t.kind !== 'punct') continue;
    if (t.value === '(' || t.value === '[') depth++;
    else if (t.value === ')' || t.value === ']') depth--;
    else if (t.value === ',' && depth === 0) {
      parts.push(text.slice(from, t.start).trim());
      from = t.end;
    }
  }
  parts.push(text.slice(from).trim());
  return parts.filter((p) => p !== '');
}

/** The identifiers an expression mentions (unquoted, folded), for "does it use column x?". */
export const identsIn = (expression: string): Set<string> =>
  new Set(tokenize(expression).flatMap((t) => (t.kind === 'word' || t.kind === 'quoted' ? [t.value] : [])));

import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, visit } from 'yaml';
import type { Diagnostic } from '../errors.js';

/** A path into a YAML document: map keys and sequence indexes, as in a JSON pointer. */
export type Path = readonly (string | number)[];

export interface Position {
  readonly line: number;
  readonly col: number;
}

/**
 * Each alias may expand to at most this many nodes (the yaml package's measure). It is the
 * guard against "billion laughs" documents: without it a few lines expand exponentially.
 * Generous enough for a model that reuses one anchored column definition everywhere.
 */
const MAX_ALIAS_COUNT = 1000;

/** `/tables/users/columns/id`: the JSON pointer of a path (RFC 6901 escaping). */
export const pointer = (path: Path): string =>
  path.map((p) => `/${String(p).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');

/** The inverse of {@link pointer}. */
export const fromPointer = (ptr: string): string[] =>
  ptr === ''
    ? []
    : ptr
        .slice(1)
        .split('/')
        .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'));

/**
 * One YAML file, parsed with its source positions kept, so that any problem found later
 * (by the JSON Schema, a semantic check or the database) can point at `file:line:col`.
 */
export class YamlSource {
  readonly file: string;
  readonly #doc: Document.Parsed;
  readonly #lines = new LineCounter();
  readonly #text: string;

  private constructor(file: string, text: string) {
    this.file = file;
    this.#text = text;
    // prettyErrors off: positions come from the LineCounter, messages stay one line.
    // Keys are checked for duplicates after the flow SQL is joined again: `{ a: numeric(10,2), b: numeric(10,2) }`
    // reads as two keys `2)` until then.
    this.#doc = parseDocument(text, { lineCounter: this.#lines, prettyErrors: false, uniqueKeys: false });
    if (this.#doc.errors.length === 0) rejoinFlowSql(this.#doc, text);
    this.#duplicates = duplicateKeys(this.#doc);
  }

  readonly #duplicates: readonly number[];

  /** Parse `text`; `file` is the name used in diagnostics. Never throws. */
  static parse(file: string, text: string): YamlSource {
    return new YamlSource(file, text);
  }

  /** Syntax errors and warnings (duplicate keys, unknown tags, several documents, ...). */
  syntaxDiagnostics(): Diagnostic[] {
    const duplicates = this.#duplicates.map((pos) => ({ code: 'DUPLICATE_KEY', message: '', pos: [pos] }));
    return [...this.#doc.errors, ...duplicates, ...this.#doc.warnings].map((e) => {
      const { line, col } = this.#lines.linePos(e.pos[0]);
      const lineText = this.#text.slice(this.#lines.lineStarts[line - 1] ?? 0).split('\n', 1)[0];
      // The usual way to get here: SQL with quotes or commas inside a `{ }` map.
      const hint = /[{[]/.test(lineText)
        ? 'inside { } and [ ], a comma or quote ends a plain value: quote the whole SQL ("...") or use block style'
        : undefined;
      return {
        file: this.file,
        line,
        col,
        pointer: '',
        message: yamlMessage(e.code, e.message),
        ...(hint ? { hint } : {}),
      };
    });
  }

  /** The document as plain data, or a diagnostic when its aliases expand too far. */
  value(): { ok: true; value: unknown } | { ok: false; diagnostic: Diagnostic } {
    try {
      return { ok: true, value: this.#doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
    } catch (cause) {
      if (!(cause instanceof ReferenceError)) throw cause;
      let first: Node | null = null;
      visit(this.#doc, {
        Alias(_key, node) {
          first = node;
          return visit.BREAK;
        },
      });
      const at = this.#offsetPosition((first as Node | null)?.range?.[0] ?? 0);
      const message = cause.message.startsWith('Excessive alias count')
        ? 'YAML aliases expand too far (an alias bomb?)'
        : cause.message;
      return {
        ok: false,
        diagnostic: {
          ...at,
          file: this.file,
          pointer: '',
          message,
          hint: `an anchor may be expanded through aliases at most ${MAX_ALIAS_COUNT} times; write the repeated parts out`,
        },
      };
    }
  }

  /**
   * Where `path` is written: the key (`at: 'key'`, for "this object ...") or the value
   * (`at: 'value'`, for "this value is wrong"), or `auto` (the value when it is a scalar,
   * else the key). A path that does not exist fully gives the
   * position of its longest existing prefix; `depth` says how many segments matched.
   */
  locate(path: Path, at: 'key' | 'value' | 'auto' = 'key'): Position & { depth: number } {
    const { key, value, depth } = this.#walk(path);
    // 'auto': a scalar value is pointed at itself, an object (map, list) at its key.
    const where = at === 'auto' ? (depth === path.length && isScalar(value) ? 'value' : 'key') : at;
    const node = where === 'key' ? (key ?? value) : (value ?? key);
    const offset = node?.range?.[0] ?? this.#doc.contents?.range?.[0] ?? 0;
    return { ...this.#offsetPosition(offset), depth };
  }

  /** The raw text of the scalar at `path` (e.g. `1.50` for a number), or undefined. */
  scalarSource(path: Path): string | undefined {
    const { value, depth } = this.#walk(path);
    if (depth !== path.length || !isScalar(value)) return undefined;
    return (value as { source?: string }).source;
  }

  /** A diagnostic for `path`. */
  diagnostic(path: Path, message: string, hint?: string, at: 'key' | 'value' = 'key'): Diagnostic {
    const { line, col } = this.locate(path, at);
    return { file: this.file, line, col, pointer: pointer(path), message, ...(hint ? { hint } : {}) };
  }

  /**
   * Replace every string scalar value (not keys) by `fn(value, path)`, before `value()` is
   * taken. Aliases are skipped: their anchored node is visited where it is written.
   */
  mapStrings(fn: (value: string, path: Path) => string): void {
    const walk = (node: Node | null, path: (string | number)[]): void => {
      if (isScalar(node)) {
        if (typeof node.value === 'string') node.value = fn(node.value, path);
      } else if (isMap(node)) {
        for (const pair of node.items) {
          const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
          walk(pair.value as Node | null, [...path, key]);
        }
      } else if (isSeq(node)) {
        for (const [i, item] of node.items.entries()) walk(item as Node | null, [...path, i]);
      }
    };
    walk(this.#doc.contents, []);
  }

  #offsetPosition(offset: number): Position {
    const { line, col } = this.#lines.linePos(offset);
    return { line, col };
  }

  #walk(path: Path): { key: Node | null; value: Node | null; depth: number } {
    let key: Node | null = null;
    let value: Node | null = this.#resolve(this.#doc.contents);
    let depth = 0;
    for (const segment of path) {
      if (isMap(value)) {
        const pair = value.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
        if (!pair) break;
        key = pair.key as Node;
        value = this.#resolve(pair.value as Node | null);
      } else if (isSeq(value)) {
        // A numeric segment is an index; any other finds the item with that scalar value,
        // so that `['extensions', 'citext']` names an entry of a list of names.
        const items = value.items as Node[];
        const item =
          typeof segment === 'number' || /^\d+$/.test(segment)
            ? items[Number(segment)]
            : items.find((i) => isScalar(i) && String(i.value) === segment);
        if (item === undefined) break;
        key = item;
        value = this.#resolve(item);
      } else {
        break;
      }
      depth++;
    }
    return { key, value, depth };
  }

  #resolve(node: Node | null | undefined): Node | null {
    // An alias points at its anchored node; follow it (a bounded walk, one step per alias).
    let current = node ?? null;
    for (let i = 0; i < 100 && isAlias(current); i++)
      current = (current.resolve(this.#doc) as Node | undefined) ?? null;
    return current;
  }
}

/**
 * In a `{ }` map YAML ends a plain value at a comma, so `{ type: numeric(10,2) }` reads as
 * `type: numeric(10` plus a key `2)` with no value. The model format's own examples are
 * written that way, so a plain value with an unclosed `(` is joined again with the
 * value-less plain keys that follow, up to the closing `)`, using the exact source text.
 */
function rejoinFlowSql(doc: Document.Parsed, text: string): void {
  visit(doc, {
    Map(_key, map) {
      if (!map.flow) return;
      for (let i = 0; i < map.items.length; i++) {
        const value = map.items[i].value;
        if (!isScalar(value) || value.type !== 'PLAIN' || typeof value.value !== 'string' || !value.range) continue;
        let depth = openParens(value.value);
        let end = i;
        let last = value.range[1];
        while (depth > 0 && end + 1 < map.items.length) {
          const next = map.items[end + 1];
          if (next.value !== null || !isScalar(next.key) || next.key.type !== 'PLAIN' || !next.key.range) break;
          depth += openParens(String(next.key.value));
          last = next.key.range[1];
          end++;
        }
        if (end === i || depth !== 0) continue;
        value.value = text.slice(value.range[0], last).trim();
        map.items.splice(i + 1, end - i);
      }
    },
  });
}

/** Source offsets of keys written twice in one map. */
function duplicateKeys(doc: Document.Parsed): number[] {
  const found: number[] = [];
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<unknown>();
      for (const item of map.items) {
        const key = isScalar(item.key) ? item.key.value : item.key;
        if (seen.has(key) && isScalar(item.key) && item.key.range) found.push(item.key.range[0]);
        seen.add(key);
      }
    },
  });
  return found;
}

const openParens = (s: string): number => (s.match(/\(/g)?.length ?? 0) - (s.match(/\)/g)?.length ?? 0);

function yamlMessage(code: string, message: string): string {
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'this key is written twice in the same map';
    case 'MULTIPLE_DOCS':
      return 'a file holds one YAML document (remove the extra `---`)';
    default:
      return `invalid YAML: ${message}`;
  }
}

/**
 * True for a stack overflow, whichever way V8 reports it (a RangeError, or a SyntaxError
 * when it happens while a regular expression is compiled): deeply nested input is bad
 * input, not a crash.
 */
export const isStackOverflow = (error: unknown): boolean =>
  error instanceof RangeError || (error instanceof SyntaxError && /call stack/i.test(error.message));

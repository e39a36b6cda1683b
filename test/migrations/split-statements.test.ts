import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitStatements } from '../../src/migrations/split-statements.js';

describe('splitStatements', () => {
  it.each([
    ['plain statements', 'SELECT 1; SELECT 2;\nSELECT 3', ['SELECT 1', 'SELECT 2', 'SELECT 3']],
    ['a ; in a string', "INSERT INTO t VALUES ('a;b'); SELECT 1", ["INSERT INTO t VALUES ('a;b')", 'SELECT 1']],
    ["'' doubling", "SELECT 'it''s; fine'; SELECT 2", ["SELECT 'it''s; fine'", 'SELECT 2']],
    ["an E'' string with \\'", "SELECT E'\\'; still'; SELECT 2", ["SELECT E'\\'; still'", 'SELECT 2']],
    ["an e'' string ending in \\\\", "SELECT e'a\\\\'; SELECT 2", ["SELECT e'a\\\\'", 'SELECT 2']],
    ['a plain string ending in \\ (standard strings)', "SELECT 'a\\'; SELECT 2", ["SELECT 'a\\'", 'SELECT 2']],
    ['a word ending in e before a string', "SELECT type'\\'; SELECT 2", ["SELECT type'\\'", 'SELECT 2']],
    [
      'a quoted identifier holding ;',
      'CREATE TABLE "a;b" ("c""; d" int); SELECT 1',
      ['CREATE TABLE "a;b" ("c""; d" int)', 'SELECT 1'],
    ],
    [
      'a $$ function body',
      'CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n  PERFORM 1;\n  RETURN 2;\nEND;\n$$;\nSELECT f();',
      [
        'CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n  PERFORM 1;\n  RETURN 2;\nEND;\n$$',
        'SELECT f()',
      ],
    ],
    [
      'nested $tag$ bodies',
      "DO $outer$ BEGIN EXECUTE $q$ SELECT ';' $q$; END $outer$; SELECT 2",
      ["DO $outer$ BEGIN EXECUTE $q$ SELECT ';' $q$; END $outer$", 'SELECT 2'],
    ],
    ['$1 parameters and $ in identifiers', 'SELECT $1, a$b$c; SELECT 2', ['SELECT $1, a$b$c', 'SELECT 2']],
    [
      'a line comment holding ; and quotes',
      "SELECT 1 -- it's; here\n; SELECT 2",
      ["SELECT 1 -- it's; here", 'SELECT 2'],
    ],
    ['nested block comments', 'SELECT /* a /* b; */ c; */ 1; SELECT 2', ['SELECT /* a /* b; */ c; */ 1', 'SELECT 2']],
    ['comment-only and empty statements', '-- header\n;; /* x */ ; SELECT 1;\n-- trailing', ['SELECT 1']],
    [
      'a BEGIN ATOMIC function body',
      'CREATE OR REPLACE FUNCTION f(x int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN x > 0 THEN 1 END; SELECT 2; END; SELECT 3',
      [
        'CREATE OR REPLACE FUNCTION f(x int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN x > 0 THEN 1 END; SELECT 2; END',
        'SELECT 3',
      ],
    ],
    ['BEGIN as a transaction command', 'BEGIN; SELECT 1; COMMIT', ['BEGIN', 'SELECT 1', 'COMMIT']],
    [
      'a ; inside parentheses (a rule body)',
      'CREATE RULE r AS ON INSERT TO t DO ALSO (SELECT 1; SELECT 2); SELECT 3',
      ['CREATE RULE r AS ON INSERT TO t DO ALSO (SELECT 1; SELECT 2)', 'SELECT 3'],
    ],
    [
      'CREATE INDEX CONCURRENTLY apart from the rest',
      "ALTER TABLE t ADD COLUMN c int;\nCREATE INDEX CONCURRENTLY t_c_idx ON t (c);\nCOMMENT ON INDEX t_c_idx IS 'x';",
      [
        'ALTER TABLE t ADD COLUMN c int',
        'CREATE INDEX CONCURRENTLY t_c_idx ON t (c)',
        "COMMENT ON INDEX t_c_idx IS 'x'",
      ],
    ],
  ])('%s', (_label, sql, statements) => {
    expect(splitStatements(sql)).toEqual(statements);
  });

  it.each([
    ["SELECT 'abc; SELECT 2", /unterminated string '...' starting on line 1/],
    ["SELECT 1;\nSELECT E'\\'", /unterminated string E'...' starting on line 2/],
    ['SELECT "abc', /unterminated quoted identifier/],
    ['SELECT $x$ abc $y$', /unterminated dollar-quoted string \$x\$/],
    ['SELECT /* /* */ 1', /unterminated comment/],
  ])('refuses %j rather than guess', (sql, message) => {
    expect(() => splitStatements(sql)).toThrow(message);
  });
});

/** Statements that hold every kind of literal where a naive split would break. */
const text = fc.string({
  unit: fc.constantFrom('a', 'Z', ' ', ';', "'", '"', '\\', '$', '-', '/', '*', '\n', 'é', '(', ')'),
});
const word = fc.constantFrom('SELECT', 'x', 'tbl_1', 'a$b', '42', '1e5', '$1', '+', '=', ',', '.', '::', 'COMMIT', 'E');
const tag = fc.constantFrom('', 'fn', 'body_1', 'q');
const literal = fc.oneof(
  word,
  text.map((t) => `'${t.replaceAll("'", "''")}'`),
  text.map((t) => `E'${t.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`),
  text.map((t) => `"${t.replaceAll('"', '""')}"`),
  fc
    .tuple(tag, text)
    .filter(([g, t]) => !`${t}$`.includes(`$${g}$`))
    .map(([g, t]) => `$${g}$${t}$${g}$`),
  text.map((t) => `-- ${t.replaceAll('\n', ' ')}\n`),
  text.map((t) => `/* ${t.replaceAll('/*', '/ *').replaceAll('*/', '* /')} /* nested */ ; */`),
);
const fragment = fc.oneof(
  { weight: 5, arbitrary: literal },
  fc.array(literal, { maxLength: 4 }).map((inner) => `( ${inner.join(' ')} )`),
);
/** Starts and ends with a word, so that it is never comment-only nor ends inside a line comment. */
const statement = fc
  .tuple(word, fc.array(fragment, { maxLength: 8 }), word)
  .map(([first, middle, last]) => [first, ...middle, last].join(' '));
const separator = fc.constantFrom(';', ';\n', ' ;\n\n', ';\n-- between; statements\n', ';\n/* ; */\n');

describe('splitStatements (property)', () => {
  it('gives back statements joined with any separator', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(statement, separator), { minLength: 1, maxLength: 6 }), (parts) => {
        const script = parts.map(([s, sep]) => `${s}${sep}`).join('');
        // A separator's comment belongs to the statement after it, as psql sends it.
        expect(splitStatements(script).map(stripLeadingComments)).toEqual(parts.map(([s]) => s));
      }),
      { numRuns: 500 },
    );
  });
});

function stripLeadingComments(s: string): string {
  let out = s;
  for (;;) {
    const next = out.replace(/^\s*(?:--[^\n]*\n|\/\* ; \*\/)\s*/, '');
    if (next === out) return out;
    out = next;
  }
}

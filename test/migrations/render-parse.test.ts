import { describe, expect, it } from 'vitest';
import { PgfleetError } from '../../src/errors.js';
import { checksum } from '../../src/migrations/checksum.js';
import { migrationId, migrationPath } from '../../src/migrations/migration-id.js';
import { parseMigration } from '../../src/migrations/parse-migration.js';
import { renderMigration } from '../../src/migrations/render-migration.js';
import { renderStatements } from '../../src/migrations/render-statements.js';
import type { Migration, MigrationDraft } from '../../src/migrations/types.js';

const base: MigrationDraft = {
  scope: 'tenant',
  version: '0002',
  name: 'service_capacity',
  up: 'ALTER TABLE services_service ADD COLUMN capacity integer DEFAULT 1 NOT NULL;',
  down: 'ALTER TABLE services_service DROP COLUMN capacity;',
};

/** The fields a draft carries, as `parseMigration` fills them. */
const full = (d: MigrationDraft): Omit<Migration, 'checksum' | 'path'> => ({
  scope: d.scope,
  version: d.version,
  name: d.name,
  id: migrationId(d.version, d.name),
  requires: d.requires ?? null,
  transactional: d.transactional ?? true,
  steps: expect.anything(),
  online: d.online ?? true,
  hazards: d.hazards ?? [],
  replaces: d.replaces ?? [],
  manual: d.manual ?? false,
  up: d.up,
  down: d.down,
});

function errorOf(f: () => unknown): PgfleetError {
  try {
    f();
  } catch (error) {
    if (error instanceof PgfleetError) return error;
    throw error;
  }
  throw new Error('expected a PgfleetError');
}

describe('renderMigration', () => {
  it('writes the format of the CLI spec', () => {
    expect(
      renderMigration({
        ...base,
        up: "ALTER TABLE services_service ADD COLUMN capacity integer DEFAULT 1 NOT NULL;\nCOMMENT ON COLUMN services_service.capacity IS 'Max customers per booking';",
        down: 'COMMENT ON COLUMN services_service.capacity IS NULL;\nALTER TABLE services_service DROP COLUMN capacity;',
      }),
    ).toBe(
      [
        '-- pgfleet 0002_service_capacity',
        '-- scope: tenant',
        '-- transaction: true',
        '-- hazards: none',
        '',
        '-- +up',
        'ALTER TABLE services_service ADD COLUMN capacity integer DEFAULT 1 NOT NULL;',
        "COMMENT ON COLUMN services_service.capacity IS 'Max customers per booking';",
        '',
        '-- +down',
        'COMMENT ON COLUMN services_service.capacity IS NULL;',
        'ALTER TABLE services_service DROP COLUMN capacity;',
        '',
      ].join('\n'),
    );
  });

  it('writes the optional header lines in a fixed order', () => {
    const text = renderMigration({
      ...base,
      requires: { scope: 'shared', version: '0003' },
      transactional: false,
      hazards: ['drops column services_service.legacy_code and its data', 'builds index i on t'],
      replaces: ['0001_initial', '0002_add_x'],
      manual: true,
    });
    expect(text.split('\n').slice(0, 8)).toEqual([
      '-- pgfleet 0002_service_capacity',
      '-- scope: tenant',
      '-- requires: shared 0003',
      '-- transaction: false',
      '-- hazards: drops column services_service.legacy_code and its data; builds index i on t',
      '-- replaces: 0001_initial, 0002_add_x',
      '-- manual: true',
      '',
    ]);
  });

  it('refuses names and versions that would not read back', () => {
    expect(() => renderMigration({ ...base, name: 'Add Capacity' })).toThrow(/may only hold a-z, 0-9 and _/);
    expect(() => renderMigration({ ...base, version: '12' })).toThrow(/four or more digits/);
    expect(() => renderMigration({ ...base, up: 'SELECT 1;\n-- +down\nSELECT 2;' })).toThrow(/section marker/);
  });
});

describe('parseMigration(renderMigration(m))', () => {
  const cases: [string, MigrationDraft][] = [
    ['defaults', base],
    ['requires', { ...base, requires: { scope: 'shared', version: '0003' } }],
    ['transaction false', { ...base, transactional: false, up: 'CREATE INDEX CONCURRENTLY i ON t (c);' }],
    ['hazards', { ...base, hazards: ['drops column a.b and its data', 'rewrites table a'] }],
    [
      'hazards holding ; \\ and line breaks',
      { ...base, hazards: ['removes value(s) x of enum e; rows that use them make the migration fail', 'a \\ b\nc'] },
    ],
    ['a single hazard called none', { ...base, hazards: ['none'] }],
    ['replaces', { ...base, version: '0005', name: 'squashed', replaces: ['0001_initial', '0002_add_x'] }],
    ['manual', { ...base, manual: true, up: '-- write the SQL here', down: '' }],
    ['empty sections', { ...base, up: '', down: '' }],
    ['version past 9999', { ...base, version: '10000' }],
    ['shared scope', { ...base, scope: 'shared' }],
  ];
  it.each(cases)('gives back %s', (_label, d) => {
    const text = renderMigration(d);
    const path = migrationPath(d.scope, d.version, d.name);
    const m = parseMigration(text, path);
    expect(m).toEqual({ ...full(d), checksum: checksum(text), path });
    expect(renderMigration(m)).toBe(text);
  });

  it('gives back a parsed migration as it was', () => {
    const m = parseMigration(renderMigration({ ...base, hazards: ['x'] }), 'tenant/0002_service_capacity.sql');
    expect(parseMigration(renderMigration(m), m.path)).toEqual(m);
  });
});

describe('parseMigration', () => {
  const path = 'tenant/0002_service_capacity.sql';

  it('keeps comment lines of the sections and trims them', () => {
    const text = [
      '-- pgfleet 0002_service_capacity',
      '-- scope: tenant',
      '-- transaction: true',
      '-- hazards: none',
      '-- +up',
      '',
      '-- backfill first',
      'UPDATE t SET c = 1;',
      '',
      '',
      '--+down',
      '/* nothing to undo */',
    ].join('\r\n');
    const m = parseMigration(text, path);
    expect(m.up).toBe('-- backfill first\nUPDATE t SET c = 1;');
    expect(m.down).toBe('/* nothing to undo */');
    expect(m.checksum).toBe(checksum(text));
  });

  it('names the line of an unknown header key', () => {
    const text = renderMigration(base).replace('-- hazards: none', '-- hazards: none\n-- owner: alice');
    const error = errorOf(() => parseMigration(text, path));
    expect(error.code).toBe('input');
    expect(error.message).toContain(`${path}:5: unknown header key "owner"`);
    expect(error.diagnostics).toEqual([expect.objectContaining({ file: path, line: 5, col: 1 })]);
  });

  it('names the file in errors as the caller asks', () => {
    const error = errorOf(() => parseMigration('SELECT 1;', path, `/project/generated/${path}`));
    expect(error.message).toContain(`/project/generated/${path}:1:`);
  });

  it.each([
    ['a missing -- +up', (t: string) => t.replace('-- +up\n', ''), /missing the `-- \+up` line/],
    ['a missing -- +down', (t: string) => t.replace('-- +down\n', ''), /missing the `-- \+down` line/],
    ['a second -- +up', (t: string) => `${t}-- +up\n`, /:11: a second `-- \+up` line \(the first is on line 6\)/],
    [
      'a missing first line',
      (t: string) => t.replace('-- pgfleet 0002_service_capacity\n', ''),
      /:1: expected `-- pgfleet NNNN_name`/,
    ],
    ['a missing scope', (t: string) => t.replace('-- scope: tenant\n', ''), /missing the `-- scope:` header line/],
    ['a missing transaction', (t: string) => t.replace('-- transaction: true\n', ''), /missing the `-- transaction:`/],
    ['a bad scope', (t: string) => t.replace('scope: tenant', 'scope: public'), /:2: scope "public" is neither/],
    [
      'a bad transaction',
      (t: string) => t.replace('transaction: true', 'transaction: yes'),
      /:3: `-- transaction:` is true or false/,
    ],
    [
      'a bad requires',
      (t: string) => t.replace('-- transaction', '-- requires: shared\n-- transaction'),
      /:3: expected `-- requires:/,
    ],
    [
      'a repeated key',
      (t: string) => t.replace('-- hazards: none', '-- hazards: none\n-- scope: tenant'),
      /:5: a second `-- scope:` line \(the first is on line 2\)/,
    ],
    [
      'SQL in the header',
      (t: string) => t.replace('-- hazards: none', '-- hazards: none\nSELECT 1;'),
      /:5: SQL before the `-- \+up` line/,
    ],
    [
      'a header id that is not the file name',
      (t: string) => t.replace('0002_service_capacity', '0003_service_capacity'),
      /:1: the header names 0003_service_capacity but the file is 0002_service_capacity.sql/,
    ],
    [
      'a bad id',
      (t: string) => t.replace('0002_service_capacity', '2_Service'),
      /:1: "2_Service" is not a migration id/,
    ],
    [
      'a bad replaced id',
      (t: string) => t.replace('-- hazards: none', '-- hazards: none\n-- replaces: 0001_a, b'),
      /:5: replaced migration "b"/,
    ],
  ])('refuses %s', (_label, edit, message) => {
    const error = errorOf(() => parseMigration(edit(renderMigration(base)), path));
    expect(error.code).toBe('input');
    expect(error.message).toMatch(message);
    expect(error.hint).toMatch(/pgfleet hash/);
  });

  it('reports every problem of a file at once, in line order', () => {
    const text = renderMigration(base)
      .replace('scope: tenant', 'scope: x')
      .replace('-- hazards: none', '-- hazards: none\n-- x: 1');
    expect(errorOf(() => parseMigration(text, path)).diagnostics.map((d) => d.line)).toEqual([2, 5]);
  });
});

describe('renderStatements', () => {
  it('keeps one-line statements together and sets multi-line ones apart', () => {
    expect(
      renderStatements([
        { sql: "CREATE TYPE s AS ENUM ('a')" },
        { sql: 'CREATE TABLE t (\n  id bigint\n)' },
        { sql: 'CREATE INDEX i ON t (id)' },
        { sql: "COMMENT ON TABLE t IS 'x';" },
      ]),
    ).toBe(
      "CREATE TYPE s AS ENUM ('a');\n\nCREATE TABLE t (\n  id bigint\n);\n\nCREATE INDEX i ON t (id);\nCOMMENT ON TABLE t IS 'x';",
    );
  });

  it('writes notes as comments above their statement', () => {
    expect(
      renderStatements(
        [{ sql: 'SELECT 1' }, { sql: 'CREATE INDEX CONCURRENTLY i ON t (c)' }, { sql: 'SELECT 2' }],
        [undefined, ['hazard index_build: builds index i on t', 'runs outside a transaction']],
      ),
    ).toBe(
      'SELECT 1;\n\n-- hazard index_build: builds index i on t\n-- runs outside a transaction\nCREATE INDEX CONCURRENTLY i ON t (c);\n\nSELECT 2;',
    );
  });

  it('never puts the ; inside a trailing line comment', () => {
    expect(renderStatements([{ sql: 'SELECT 1 -- one' }])).toBe('SELECT 1 -- one\n;');
  });

  it('renders nothing for no statements', () => {
    expect(renderStatements([])).toBe('');
  });
});

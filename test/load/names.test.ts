import { describe, expect, it } from 'vitest';
import { identifierProblem, schemaNameProblem, utf8Length } from '../../src/model/names.js';
import { modelProblems } from './project.js';

describe('schemaNameProblem', () => {
  it('accepts ordinary tenant names, including ones that need quoting', () => {
    for (const name of ['tenant_acme', 'Acme', 'acme-corp', 'café', 'a'.repeat(63), 'PG_upper']) {
      expect(schemaNameProblem(name)).toBeNull();
    }
  });

  it('says why a name cannot be a schema', () => {
    expect(schemaNameProblem('')).toBe('is empty');
    expect(schemaNameProblem('a'.repeat(64))).toBe('is 64 bytes long in UTF-8; Postgres truncates names to 63 bytes');
    // 32 two-byte characters: 32 characters but 64 bytes.
    expect(schemaNameProblem('é'.repeat(32))).toMatch(/^is 64 bytes long/);
    expect(schemaNameProblem('pg_tenant')).toMatch(/^starts with pg_/);
    expect(schemaNameProblem('a\0b')).toBe('contains a NUL character');
    expect(schemaNameProblem('a\nb')).toBe('contains a control character');
    expect(schemaNameProblem(' acme')).toBe('has leading or trailing whitespace');
    expect(schemaNameProblem('information_schema')).toMatch(/information_schema/);
    expect(schemaNameProblem('\uD800x')).toMatch(/unpaired surrogate/);
  });

  it('counts UTF-8 bytes', () => {
    expect(utf8Length('aé€😀')).toBe(1 + 2 + 3 + 4);
    expect(identifierProblem('😀'.repeat(15))).toBeNull();
    expect(identifierProblem('😀'.repeat(16))).toMatch(/^is 64 bytes/);
  });
});

describe('identifier rules in the model', () => {
  it('a name longer than 63 bytes is an error, since Postgres would truncate it', async () => {
    const long = 'x'.repeat(64);
    const problems = await modelProblems({
      'schema/tenant/a.yaml': `tables:\n  ${long}:\n    columns: { id: { type: int } }\n`,
    });
    expect(problems.map((d) => d.message)).toEqual([
      `table name "${long}" is 64 bytes long in UTF-8; Postgres truncates names to 63 bytes`,
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { ident, literal, qualified } from '../../src/plan/quote.js';

describe('ident', () => {
  it.each([
    ['users', 'users'],
    ['order', '"order"'],
    ['user', '"user"'],
    ['Acme', '"Acme"'],
    ['two words', '"two words"'],
    ['say "hi"', '"say ""hi"""'],
    ['tenant_1', 'tenant_1'],
    ['1st', '"1st"'],
    ['naïve', '"naïve"'],
  ])('%s → %s', (name, quoted) => expect(ident(name)).toBe(quoted));

  it('refuses empty names and NUL bytes', () => {
    expect(() => ident('')).toThrow();
    expect(() => ident('a\0b')).toThrow(/NUL/);
  });

  it('qualifies', () => expect(qualified('Tenant A', 'order')).toBe('"Tenant A"."order"'));
});

describe('literal', () => {
  it.each([
    ['', "''"],
    ["it's", "'it''s'"],
    ['back\\slash', "E'back\\\\slash'"],
    ['$$ ; DROP TABLE x; --', "'$$ ; DROP TABLE x; --'"],
  ])('%j → %s', (value, sql) => expect(literal(value)).toBe(sql));
});

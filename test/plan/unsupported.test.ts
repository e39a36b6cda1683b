import { describe, expect, it } from 'vitest';
import { diff } from '../../src/diff/diff.js';
import { exitCodeFor, exitCodeOfThrown, PgfleetError } from '../../src/errors.js';
import { column, model, table } from '../../src/model/build.js';
import type { Change } from '../../src/model/changes.js';
import type { Collation } from '../../src/model/text-objects.js';
import type { CompositeType, Domain, Table } from '../../src/model/types.js';
import { plan } from '../../src/plan/plan.js';

const options = { scope: 'tenant' as const, sharedSchema: 'public', serverMajor: 17 };
const domain = (type: string): Domain => ({
  kind: 'domain',
  name: 'price',
  type,
  notNull: false,
  default: null,
  collation: null,
  checks: [],
  comment: null,
});
const composite = (...names: string[]): CompositeType => ({
  kind: 'composite',
  name: 'pair',
  attributes: names.map((name) => ({ name, type: 'integer', collation: null })),
  comment: null,
});

/** What `plan` throws for `change`. */
function thrown(change: Change): unknown {
  try {
    plan([change], options);
  } catch (error) {
    return error;
  }
  throw new Error('plan did not throw');
}

describe('a change pgfleet cannot make yet', () => {
  it.each<[string, Change]>([
    ['a domain base type', { kind: 'alter_domain', from: domain('numeric'), to: domain('bigint') }],
    ['composite attributes reordered', { kind: 'alter_type', from: composite('a', 'b'), to: composite('b', 'a') }],
    [
      'serial to integer',
      { kind: 'alter_column', table: 't', from: column('id', 'serial'), to: column('id', 'integer') },
    ],
  ])('%s is an unsupported error (exit 2, with what to do), not a bug', (_, change) => {
    const error = thrown(change);
    expect(error).toBeInstanceOf(PgfleetError);
    expect((error as PgfleetError).code).toBe('unsupported');
    expect((error as PgfleetError).message).toMatch(/not supported yet/);
    expect((error as PgfleetError).hint).toMatch(/pgfleet new/);
    expect(exitCodeFor(error)).toBe(2);
  });
});

describe('a collation that must be recreated', () => {
  const collation = (locale: string): Collation => ({
    kind: 'collation',
    name: 'natural',
    provider: 'icu',
    locale,
    lcCollate: null,
    lcCtype: null,
    deterministic: true,
    rules: null,
    comment: null,
  });
  const shortName: Domain = { ...domain('text'), name: 'short_name', collation: 'natural' };
  const address: CompositeType = {
    ...composite('number'),
    name: 'address',
    attributes: [{ name: 'street', type: 'text', collation: 'natural' }],
  };
  const person = table('person', [column('id', 'bigint'), column('name', 'short_name'), column('home', 'address')]);
  const at = (locale: string, tables: Table[]) =>
    model({ collations: [collation(locale)], domains: [shortName], types: [address], tables });

  it('with a domain or composite type that columns use is refused, naming them (exit 2), not a failing migration', () => {
    const changes = diff(at('en-US', [person]), at('en-US-u-kn-true', [person]), { serverMajor: 17 });
    let error: unknown = null;
    try {
      plan(changes, options);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PgfleetError);
    expect((error as PgfleetError).code).toBe('unsupported');
    expect((error as PgfleetError).message).toContain(
      'pgfleet cannot move these to the new one: domain short_name (used by column person.name); type address (used by column person.home)',
    );
    expect((error as PgfleetError).hint).toMatch(/pgfleet new/);
    expect(exitCodeFor(error)).toBe(2);
  });

  it('with a domain and a composite type that nothing uses rebuilds them', () => {
    const changes = diff(at('en-US', []), at('en-US-u-kn-true', []), { serverMajor: 17 });
    const sql = plan(changes, options).up.map((s) => s.sql);
    expect(sql).toContain('ALTER TYPE address ALTER ATTRIBUTE street TYPE text COLLATE "natural"');
    expect(sql).toContain('DROP DOMAIN short_name');
  });
});

describe('exit codes of what a command throws', () => {
  it('a bug (an internal error, or not a PgfleetError at all) does not exit with bad input’s 2', () => {
    expect(exitCodeOfThrown(new PgfleetError('internal', 'x'))).toBe(4);
    expect(exitCodeOfThrown(new TypeError('undefined is not a function'))).toBe(4);
  });

  it('oclif’s flag and argument errors are bad input; the rest by their code', () => {
    expect(exitCodeOfThrown(Object.assign(new Error('Unexpected argument'), { oclif: { exit: 2 } }))).toBe(2);
    expect(exitCodeOfThrown(new PgfleetError('input', 'x'))).toBe(2);
    expect(exitCodeOfThrown(new PgfleetError('finding', 'x'))).toBe(1);
    expect(exitCodeOfThrown(new PgfleetError('connection', 'x'))).toBe(3);
    expect(exitCodeOfThrown(new PgfleetError('lock', 'x'))).toBe(3);
  });
});

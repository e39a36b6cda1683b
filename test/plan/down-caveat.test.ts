import { describe, expect, it } from 'vitest';
import { column, sequence } from '../../src/model/build.js';
import type { Change } from '../../src/model/changes.js';
import type { CompositeType } from '../../src/model/types.js';
import { plan } from '../../src/plan/plan.js';

const options = { scope: 'shared' as const, sharedSchema: 'public', serverMajor: 17 };
const composite = (...names: string[]): CompositeType => ({
  kind: 'composite',
  name: 'pair',
  attributes: names.map((name) => ({ name, type: 'integer', collation: null })),
  comment: null,
});
const planned = (change: Change) => plan([change], options).changes[0];

describe('a change that deletes data says its down section is not exact', () => {
  it.each<[string, Change, RegExp]>([
    [
      'a composite attribute dropped',
      { kind: 'alter_type', from: composite('a', 'b'), to: composite('a') },
      /\bb\b.*pair/,
    ],
    [
      'a sequence restarted',
      {
        kind: 'alter_sequence',
        from: sequence('s'),
        to: sequence('s', { start: '-1', min: '-100', max: '-1', increment: '-1' }),
      },
      /sequence s/,
    ],
    ['an extension dropped', { kind: 'drop_extension', extension: { kind: 'extension', name: 'hstore' } }, /hstore/],
    [
      'a column narrowed',
      { kind: 'alter_column', table: 't', from: column('x', 'bigint'), to: column('x', 'integer') },
      /t\.x/,
    ],
  ])('%s', (_, change, names) => {
    const p = planned(change);
    expect(p.hazards.map((h) => h.kind)).toContain('deletes_data');
    expect(p.downCaveat).toMatch(names);
  });

  it('and one that deletes nothing says nothing', () => {
    expect(planned({ kind: 'alter_type', from: composite('a'), to: composite('a', 'b') }).downCaveat).toBeNull();
    expect(
      planned({ kind: 'alter_sequence', from: sequence('s'), to: sequence('s', { cache: '10' }) }).downCaveat,
    ).toBeNull();
    expect(
      planned({ kind: 'create_extension', extension: { kind: 'extension', name: 'hstore' } }).downCaveat,
    ).toBeNull();
  });
});

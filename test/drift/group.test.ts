import { describe, expect, it } from 'vitest';
import { batchesOf } from '../../src/drift/batches.js';
import type { Outcome } from '../../src/drift/compare.js';
import { type Drifted, groupDrifted } from '../../src/drift/group.js';
import type { HistoryFinding } from '../../src/drift/types.js';

// Which drifted schemas are reported together, and how the targets are cut into batches: no database.

const outcome = (key: string, record: Outcome['record'] = []): Outcome => ({
  changes: [],
  key,
  differences: [],
  found: [],
  record,
  diff: '',
});
const unknown = (migration: string): HistoryFinding => ({
  kind: 'unknown_migration',
  migration,
  message: `${migration} is not in the directory`,
});
const drifted = (schema: string, o: Outcome, history: HistoryFinding[] = [], scope: Drifted['scope'] = 'tenant') => ({
  schema,
  scope,
  exists: true,
  outcome: o,
  history,
});

describe('grouping drifted schemas', () => {
  it('puts schemas with the same changes, history drift and migrations to record in one group', () => {
    const a = outcome('["index"]');
    const { groups, groupOf } = groupDrifted([
      drifted('t1', a),
      null,
      drifted('t2', outcome('["index"]')),
      drifted('t3', a, [unknown('0009_x')]),
      drifted('t4', a, [unknown('0009_x')]),
      drifted('t5', a, [unknown('0010_y')]),
      drifted('public', a, [], 'shared'),
    ]);
    expect(groups.map((g) => g.schemas)).toEqual([['t1', 't2'], ['t3', 't4'], ['public'], ['t5']]);
    expect(groupOf).toEqual([0, null, 0, 1, 1, 3, 2]);
  });

  it('tells apart schemas that differ only in the migrations their history lacks', () => {
    const m = (version: string) => ({ scope: 'tenant' as const, version, name: 'm', checksum: 'c' });
    const { groups } = groupDrifted([
      drifted('t1', outcome('[]', [m('0002')])),
      drifted('t2', outcome('[]', [m('0003')])),
      drifted('t3', outcome('[]', [m('0002')])),
    ]);
    expect(groups.map((g) => g.schemas)).toEqual([['t1', 't3'], ['t2']]);
  });

  it('orders the largest group first, then by the first schema name, and keeps each group in input order', () => {
    const { groups, groupOf } = groupDrifted([
      drifted('t9', outcome('b')),
      drifted('t1', outcome('c')),
      drifted('t8', outcome('a')),
      drifted('t2', outcome('a')),
    ]);
    expect(groups.map((g) => g.schemas)).toEqual([['t8', 't2'], ['t1'], ['t9']]);
    expect(groupOf).toEqual([2, 1, 0, 0]);
    expect(groups[0].exists).toEqual([true, true]);
  });

  it('makes no group when nothing drifts', () => {
    expect(groupDrifted([null, null])).toEqual({ groups: [], groupOf: [null, null] });
  });
});

describe('drift batches', () => {
  const sizes = (b: number[][]) => b.map((x) => x.length);

  it('shares the targets out between the connections, after a short first batch for a large fleet', () => {
    expect(sizes(batchesOf(10_000, 2))).toEqual([250, 4875, 4875]);
    expect(sizes(batchesOf(1000, 2))).toEqual([500, 500]);
    expect(sizes(batchesOf(30_000, 2))).toEqual([250, 5000, 5000, 5000, 5000, 5000, 4750]);
    expect(sizes(batchesOf(100, 4))).toEqual([100]);
  });

  it('takes a given batch size as it is, and covers every target once, in order', () => {
    const batches = batchesOf(1001, 3, 400);
    expect(sizes(batches)).toEqual([400, 400, 201]);
    expect(batches.flat()).toEqual(Array.from({ length: 1001 }, (_, i) => i));
    expect(batchesOf(0, 2)).toEqual([]);
  });
});

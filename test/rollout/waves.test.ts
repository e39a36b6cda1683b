import { describe, expect, it } from 'vitest';
import type { WaveConfig } from '../../src/config/rollout-config.js';
import { PgfleetError } from '../../src/errors.js';
import { failureAllowance, likeToRegExp, resolveWaves, stableOrder, wavesUpTo } from '../../src/fleet/waves.js';

const wave = (name: string, w: Partial<WaveConfig> = {}): WaveConfig => ({
  name,
  tenants: null,
  match: null,
  query: null,
  percent: null,
  pause: false,
  concurrency: null,
  ...w,
});

const fleet = Array.from({ length: 60 }, (_, i) => `tenant_${String(i + 1).padStart(2, '0')}`);
const names = (waves: ReturnType<typeof resolveWaves>) => Object.fromEntries(waves.map((w) => [w.name, w.tenants]));

describe('resolveWaves', () => {
  it('gives named tenants to their wave, a percent of the rest to the next, everything left to the last', () => {
    const waves = resolveWaves(
      [wave('canary', { tenants: ['tenant_07', 'tenant_42'] }), wave('early', { percent: 10 }), wave('rest')],
      fleet,
      new Map(),
    );
    const w = names(waves);
    expect(w.canary).toEqual(['tenant_07', 'tenant_42']);
    // 10% of the 58 left, rounded up.
    expect(w.early).toHaveLength(6);
    expect(w.rest).toHaveLength(52);
    expect(new Set([...w.canary, ...w.early, ...w.rest]).size).toBe(60);
    // A spread sample, not the alphabetically first six.
    expect(w.early).not.toEqual(fleet.filter((t) => !w.canary.includes(t)).slice(0, 6));
  });

  it('is stable: the same fleet gives the same waves, and adding tenants keeps earlier members in order', () => {
    const config = [wave('early', { percent: 50 }), wave('rest')];
    const a = names(resolveWaves(config, fleet, new Map()));
    expect(names(resolveWaves(config, [...fleet].reverse(), new Map()))).toEqual(a);
    const order = stableOrder(fleet);
    const grown = stableOrder([...fleet, 'tenant_zz']);
    expect(grown.filter((t) => t !== 'tenant_zz')).toEqual(order);
  });

  it('claims explicit selectors wherever their wave stands, before percent waves take the rest', () => {
    const waves = resolveWaves(
      [
        wave('canary', { match: 'tenant\\_0_' }),
        wave('half', { percent: 50 }),
        wave('picked', { query: 'SELECT ...' }),
        wave('rest'),
      ],
      fleet,
      new Map([['picked', ['tenant_60', 'tenant_59', 'not_a_tenant']]]),
    );
    const w = names(waves);
    expect(w.canary).toEqual(fleet.slice(0, 9));
    expect(w.picked).toEqual(['tenant_59', 'tenant_60']);
    expect(w.half).toHaveLength(Math.ceil(49 / 2));
    expect(w.half.some((t) => t === 'tenant_59' || t === 'tenant_60')).toBe(false);
    expect(w.rest).toHaveLength(49 - 25);
  });

  it('puts tenants in no selector into the last wave, even when it has a selector of its own', () => {
    const w = names(
      resolveWaves([wave('a', { tenants: ['tenant_01'] }), wave('b', { tenants: ['tenant_02'] })], fleet, new Map()),
    );
    expect(w.a).toEqual(['tenant_01']);
    expect(w.b).toHaveLength(59);
  });

  it('reports names of a tenants list that the fleet does not have', () => {
    const [canary] = resolveWaves([wave('canary', { tenants: ['tenant_01', 'gone'] }), wave('rest')], fleet, new Map());
    expect(canary).toMatchObject({ tenants: ['tenant_01'], absent: ['gone'] });
  });

  it('refuses a tenant selected by two waves, naming both (exit 2)', () => {
    const run = () =>
      resolveWaves(
        [wave('canary', { tenants: ['tenant_03'] }), wave('threes', { match: '%3' }), wave('rest')],
        fleet,
        new Map(),
      );
    expect(run).toThrow(PgfleetError);
    expect(run).toThrow(/tenant "tenant_03" is selected by waves "canary" and "threes"/);
    try {
      run();
    } catch (e) {
      expect((e as PgfleetError).code).toBe('input');
    }
  });

  it('an empty fleet gives empty waves', () => {
    expect(names(resolveWaves([wave('early', { percent: 10 }), wave('rest')], [], new Map()))).toEqual({
      early: [],
      rest: [],
    });
  });
});

describe('wave helpers', () => {
  it('reads LIKE patterns as Postgres does', () => {
    expect(likeToRegExp('tenant_%').test('tenantX')).toBe(true);
    expect(likeToRegExp('tenant\\_%').test('tenantXa')).toBe(false);
    expect(likeToRegExp('tenant\\_%').test('tenant_a')).toBe(true);
    expect(likeToRegExp('a.b').test('axb')).toBe(false);
    expect(likeToRegExp('(x)%').test('(x)y')).toBe(true);
  });

  it('counts a failure budget as a count or a percentage of the wave, rounded down', () => {
    expect(failureAllowance(null, 10)).toBe(Number.POSITIVE_INFINITY);
    expect(failureAllowance({ count: 2 }, 10)).toBe(2);
    expect(failureAllowance({ percent: 5 }, 58)).toBe(2);
    expect(failureAllowance({ percent: 1 }, 60)).toBe(0);
  });

  it('--wave keeps the waves up to and including the one named, and refuses an unknown one', () => {
    const waves = resolveWaves([wave('a', { percent: 10 }), wave('b', { percent: 10 }), wave('c')], fleet, new Map());
    expect(wavesUpTo(waves, 'b').map((w) => w.name)).toEqual(['a', 'b']);
    expect(wavesUpTo(waves, undefined)).toHaveLength(3);
    expect(() => wavesUpTo(waves, 'x')).toThrow(/--wave "x": no such wave/);
  });
});

import { createHash } from 'node:crypto';
import type { FailureBudget, WaveConfig } from '../config/rollout-config.js';
import { PgfleetError } from '../errors.js';

/** A wave with the tenants it holds in this run. */
export interface ResolvedWave {
  readonly name: string;
  /** Its tenants, in name order. */
  readonly tenants: readonly string[];
  /** Tenants its `tenants:` list names that the fleet does not have (reported, not run). */
  readonly absent: readonly string[];
  readonly pause: boolean;
  readonly concurrency: number | null;
}

/** `LIKE` as Postgres reads it (`%`, `_`, `\` escapes), as an anchored regular expression. */
export function likeToRegExp(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) out += escapeRegExp(pattern[++i]);
    else if (c === '%') out += '.*';
    else if (c === '_') out += '.';
    else out += escapeRegExp(c);
  }
  return new RegExp(`^${out}$`, 's');
}

const escapeRegExp = (c: string) => c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/**
 * The order percent waves take tenants in: by a hash of the name, so a 10% wave is a spread
 * sample rather than the alphabetically first tenants, and a tenant keeps its place when
 * others are added or removed. The name breaks (theoretical) ties.
 */
export function stableOrder(names: readonly string[]): string[] {
  const key = new Map(names.map((n) => [n, createHash('sha256').update(n).digest('hex')]));
  return [...names].sort((a, b) => {
    const ka = key.get(a) ?? '';
    const kb = key.get(b) ?? '';
    return ka < kb ? -1 : ka > kb ? 1 : a < b ? -1 : a > b ? 1 : 0;
  });
}

/**
 * Which tenants each wave holds. Explicit selectors (`tenants`, `match`, `query`) claim
 * theirs first, wherever the wave stands; a tenant claimed by two waves is bad input. Then,
 * in wave order, a `percent` wave takes that share (rounded up) of the tenants still left,
 * in {@link stableOrder}; the last wave takes every tenant left besides its own selection.
 * Membership depends on the fleet's tenant list only, never on what each tenant has
 * applied, so a rerun (after a pause or a failure) sees the same waves.
 *
 * @param queried the names each `query` wave's SQL returned, by wave name.
 * @example
 * resolveWaves([{ name: 'canary', tenants: ['t1'], ... }, { name: 'rest', ... }], ['t1', 't2'], new Map())
 * // [{ name: 'canary', tenants: ['t1'] }, { name: 'rest', tenants: ['t2'] }]
 */
export function resolveWaves(
  waves: readonly WaveConfig[],
  fleet: readonly string[],
  queried: ReadonlyMap<string, readonly string[]>,
): ResolvedWave[] {
  const inFleet = new Set(fleet);
  const owner = new Map<string, string>();
  const chosen = waves.map(() => [] as string[]);
  const absent = waves.map(() => [] as string[]);
  waves.forEach((w, i) => {
    let picked: readonly string[] = [];
    if (w.tenants) {
      picked = w.tenants.filter((t) => inFleet.has(t));
      absent[i] = w.tenants.filter((t) => !inFleet.has(t));
    } else if (w.match !== null) {
      const re = likeToRegExp(w.match);
      picked = fleet.filter((t) => re.test(t));
    } else if (w.query !== null) {
      picked = (queried.get(w.name) ?? []).filter((t) => inFleet.has(t));
    }
    for (const t of new Set(picked)) {
      const other = owner.get(t);
      if (other !== undefined) {
        throw new PgfleetError('input', `tenant ${JSON.stringify(t)} is selected by waves "${other}" and "${w.name}"`, {
          hint: 'a tenant belongs to one wave: narrow the match or query of one of them',
        });
      }
      owner.set(t, w.name);
      chosen[i].push(t);
    }
  });
  let left = stableOrder(fleet.filter((t) => !owner.has(t)));
  waves.forEach((w, i) => {
    if (i === waves.length - 1) {
      chosen[i].push(...left);
      left = [];
    } else if (w.percent !== null) {
      const n = Math.ceil((left.length * w.percent) / 100);
      chosen[i].push(...left.slice(0, n));
      left = left.slice(n);
    }
  });
  return waves.map((w, i) => ({
    name: w.name,
    tenants: [...chosen[i]].sort(),
    absent: absent[i],
    pause: w.pause,
    concurrency: w.concurrency,
  }));
}

/** The failures a wave of `size` tenants may have before the rollout halts (a percentage rounds down). */
export function failureAllowance(budget: FailureBudget | null, size: number): number {
  if (budget === null) return Number.POSITIVE_INFINITY;
  return 'count' in budget ? budget.count : Math.floor((size * budget.percent) / 100);
}

/** The waves a run covers: all of them, or up to and including `--wave NAME`. */
export function wavesUpTo<W extends { readonly name: string }>(waves: readonly W[], name: string | undefined): W[] {
  if (name === undefined) return [...waves];
  const i = waves.findIndex((w) => w.name === name);
  if (i === -1) {
    throw new PgfleetError('input', `--wave ${JSON.stringify(name)}: no such wave`, {
      hint: `the waves of pgfleet.yaml's rollout: ${waves.map((w) => w.name).join(', ')}`,
    });
  }
  return waves.slice(0, i + 1);
}

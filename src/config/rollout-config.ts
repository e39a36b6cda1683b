/**
 * The `rollout:` section of pgfleet.yaml and `tenants.namePattern`: their defaults, and the
 * rules the JSON Schema cannot say (one selector per wave, a tenant named by two waves, a
 * pattern that compiles). Pure: the checks return paths into the file for config.ts to
 * turn into `file:line:col`.
 */

/** One wave as configured; `tenants`, `match`, `query` and `percent` are its selector (at most one). */
export interface WaveConfig {
  readonly name: string;
  readonly tenants: readonly string[] | null;
  /** A LIKE pattern over the fleet's tenant names. */
  readonly match: string | null;
  /** SQL returning one column of tenant names. */
  readonly query: string | null;
  /** A percentage (0 < p <= 100) of the tenants left. */
  readonly percent: number | null;
  readonly pause: boolean;
  readonly concurrency: number | null;
}

export type FailureBudget = { readonly count: number } | { readonly percent: number };

export interface RolloutConfig {
  readonly waves: readonly WaveConfig[];
  readonly onError: 'stop' | 'continue';
  /** With onError continue: the failures a wave may have; null: no limit. */
  readonly maxFailures: FailureBudget | null;
  /** Run the read-only preflight on each wave's tenants before the wave. */
  readonly preflight: boolean;
}

export interface RawWave {
  name: string;
  tenants?: string[];
  match?: string;
  query?: string;
  percent?: number;
  pause?: boolean;
  concurrency?: number;
}

export interface RawRollout {
  waves: RawWave[];
  onError?: 'stop' | 'continue';
  maxFailures?: number | string;
  preflight?: boolean;
}

/**
 * Lowercase letters, digits and `_`, starting with a letter or `_`: a name that needs no
 * quoting anywhere (psql, Django settings, URLs). The 63-byte limit and the `pg_` prefix
 * are checked apart, whatever the pattern.
 */
export const DEFAULT_TENANT_NAME_PATTERN = '^[a-z_][a-z0-9_]*$';

export function namePatternProblem(pattern: string): string | null {
  try {
    new RegExp(pattern, 'u');
    return null;
  } catch (error) {
    return `tenants.namePattern is not a regular expression: ${(error as Error).message}`;
  }
}

/** `maxFailures` as written: `3` or `"1%"` (the JSON Schema has checked the form). */
export function failureBudget(value: number | string): FailureBudget {
  return typeof value === 'number' ? { count: value } : { percent: Number(value.slice(0, -1)) };
}

export function rolloutConfig(raw: RawRollout): RolloutConfig {
  return {
    waves: raw.waves.map((w) => ({
      name: w.name,
      tenants: w.tenants ? Object.freeze([...w.tenants]) : null,
      match: w.match ?? null,
      query: w.query ?? null,
      percent: w.percent ?? null,
      pause: w.pause ?? false,
      concurrency: w.concurrency ?? null,
    })),
    onError: raw.onError ?? 'stop',
    maxFailures: raw.maxFailures === undefined ? null : failureBudget(raw.maxFailures),
    preflight: raw.preflight ?? false,
  };
}

const SELECTORS = ['tenants', 'match', 'query', 'percent'] as const;

export interface ConfigProblem {
  readonly path: (string | number)[];
  readonly message: string;
  readonly hint?: string;
}

/** What the JSON Schema cannot say about `rollout:`; every problem at once. */
export function rolloutProblems(raw: RawRollout): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const seen = new Map<string, number>();
  const namedBy = new Map<string, string>();
  raw.waves.forEach((w, i) => {
    const at = ['rollout', 'waves', i];
    const earlier = seen.get(w.name);
    if (earlier !== undefined) {
      problems.push({ path: [...at, 'name'], message: `wave ${JSON.stringify(w.name)} is also wave ${earlier + 1}` });
    } else seen.set(w.name, i);
    const given = SELECTORS.filter((k) => w[k] !== undefined);
    if (given.length > 1) {
      problems.push({
        path: [...at, given[1]],
        message: `wave ${JSON.stringify(w.name)}: use one of tenants, match, query and percent, not ${given.join(' and ')}`,
        hint: 'split it into two waves',
      });
    }
    const last = i === raw.waves.length - 1;
    if (given.length === 0 && !last) {
      problems.push({
        path: [...at, 'name'],
        message: `wave ${JSON.stringify(w.name)} selects no tenants: only the last wave may (it takes every tenant left)`,
        hint: 'give it tenants, match, query or percent, or move it to the end',
      });
    }
    if (last && w.percent !== undefined) {
      problems.push({
        path: [...at, 'percent'],
        message: `the last wave takes every tenant left, so percent on wave ${JSON.stringify(w.name)} means nothing`,
        hint: 'add a last wave without a selector (e.g. { name: rest })',
      });
    }
    w.tenants?.forEach((t, j) => {
      const other = namedBy.get(t);
      if (other !== undefined) {
        problems.push({
          path: [...at, 'tenants', j],
          message: `tenant ${JSON.stringify(t)} is named by waves ${JSON.stringify(other)} and ${JSON.stringify(w.name)}`,
          hint: 'a tenant belongs to one wave',
        });
      } else namedBy.set(t, w.name);
    });
  });
  if (raw.maxFailures !== undefined && raw.onError !== 'continue') {
    problems.push({
      path: ['rollout', 'maxFailures'],
      message: 'maxFailures applies only with onError: continue (with stop, any failure ends the run)',
      hint: 'set onError: continue, or remove maxFailures',
    });
  }
  if (typeof raw.maxFailures === 'string' && Number(raw.maxFailures.slice(0, -1)) > 100) {
    problems.push({ path: ['rollout', 'maxFailures'], message: 'maxFailures is a percentage over 100' });
  }
  return problems;
}

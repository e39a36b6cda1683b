import type pg from 'pg';
import type { Config, RolloutConfig } from '../config/config.js';
import { PgfleetError } from '../errors.js';
import type { MigrationSet } from '../migrations/index.js';
import type { SchemaResult } from './apply-schema.js';
import { type FleetConnection, snapshot } from './fleet.js';
import type { PreflightResult } from './preflight/run-preflight.js';
import { skippedResult, summaryOf } from './results.js';
import { type PlannedSchema, type RunOptions, type RunResult, runFleet } from './run.js';
import { failureAllowance, type ResolvedWave, resolveWaves, wavesUpTo } from './waves.js';

export interface RolloutOptions extends Omit<RunOptions, 'direction' | 'tenants'> {
  /** Run the waves up to and including this one (`migrate --wave NAME`). */
  readonly wave?: string;
  /** With `rollout.preflight`: the read-only preflight of a wave's tenants, run before the wave. */
  readonly preflight?: (tenants: readonly string[]) => Promise<PreflightResult>;
}

export type WaveStatus = 'done' | 'halted' | 'paused' | 'preflight failed' | 'not run' | 'not in this run';

export interface WaveReport {
  /** With several databases: the one this wave ran on (waves are resolved per database). */
  readonly database?: string;
  readonly name: string;
  readonly tenants: number;
  /** The first few tenants, in name order, for a human to recognise the wave. */
  readonly first: readonly string[];
  /** Names of its `tenants:` list that the fleet does not have. */
  readonly absent: readonly string[];
  readonly status: WaveStatus;
  readonly applied: number;
  readonly failed: number;
  /** Failures the wave may have before the rollout halts (onError stop: 0; no maxFailures: null). */
  readonly allowance: number | null;
  /** What its tenants would run (with --plan) or ran: each distinct list of migrations and how many tenants have it. */
  readonly work: ReadonlyArray<{ readonly migrations: readonly string[]; readonly tenants: number }>;
  readonly preflight?: PreflightResult;
}

export interface RolloutReport {
  readonly waves: readonly WaveReport[];
  /** The wave that ended the run early, why, and its failed tenants. */
  readonly halted: { readonly wave: string; readonly reason: string; readonly failed: readonly string[] } | null;
  /** The wave after which the run paused (`pause: true`), and the next wave. */
  readonly paused: { readonly wave: string; readonly next: string } | null;
}

export type RolloutResult = RunResult & { readonly rollout: RolloutReport };

const FIRST_NAMES = 5;

/**
 * The rollout a run goes by: none without `rollout:` or with --shared / --schema (which name
 * what to run). `--wave` without one, or naming no wave, is bad input, refused before any
 * schema is touched.
 */
export function rolloutFor(
  rollout: RolloutConfig | null,
  options: { readonly only?: RunOptions['only']; readonly wave?: string },
): RolloutConfig | null {
  const only = options.only;
  const waves = rollout !== null && !(only && ('schema' in only || only.scope === 'shared')) ? rollout : null;
  if (options.wave !== undefined && waves === null) {
    throw new PgfleetError('input', `--wave ${JSON.stringify(options.wave)} needs rollout waves in pgfleet.yaml`, {
      hint:
        rollout === null
          ? 'add `rollout: { waves: [...] }` to pgfleet.yaml (see the README), or drop --wave'
          : '--wave does not go with --shared or --schema',
    });
  }
  if (options.wave !== undefined && waves !== null) wavesUpTo(waves.waves, options.wave);
  return waves;
}

/**
 * `migrate` with `rollout:` in pgfleet.yaml: a layer above {@link runFleet}. The shared
 * schema first; then the tenants are resolved into waves (see `resolveWaves`) and each wave
 * is one runner call restricted to its tenants, with its own concurrency. A wave with more
 * failures than its allowance (any, with `onError: stop`), or whose preflight finds data
 * that would fail, ends the run before the next wave; a `pause` wave that applied anything
 * ends it too, and the next run carries on (waves depend on the tenant list only, and
 * finished tenants have nothing to do). The run lock is held throughout: each runner call
 * takes it again on the same connection, and Postgres counts session locks.
 */
export async function runRollout(
  fleet: FleetConnection,
  config: Config,
  set: MigrationSet,
  rollout: RolloutConfig,
  o: RolloutOptions,
): Promise<RolloutResult> {
  const parts: RunResult[] = [];
  const base: RunOptions = { ...o, direction: 'up' };
  const doShared = !(o.only && 'scope' in o.only && o.only.scope === 'tenant');
  let sharedFailed = false;
  if (doShared) {
    const r = await runFleet(fleet, config, set, { ...base, only: { scope: 'shared' } });
    parts.push(r);
    sharedFailed = r.summary.failed + r.summary.locked > 0;
  }
  const snap = await snapshot(fleet, config, undefined, true);
  const waves = await fleetWaves(fleet, rollout, snap.tenants.tenants);
  const inRun = wavesUpTo(waves, o.wave);
  const reports: WaveReport[] = [];
  const skippedResults: SchemaResult[] = [];
  let halted: RolloutReport['halted'] = null;
  let paused: RolloutReport['paused'] = null;
  const report = (w: ResolvedWave, status: WaveStatus, extra: Partial<WaveReport> = {}): WaveReport => ({
    name: w.name,
    tenants: w.tenants.length,
    first: w.tenants.slice(0, FIRST_NAMES),
    absent: w.absent,
    status,
    applied: 0,
    failed: 0,
    allowance: allowanceOf(rollout, w),
    work: [],
    ...extra,
  });

  if (o.planOnly) {
    const all = inRun.flatMap((w) => w.tenants);
    const planned = await runFleet(fleet, config, set, { ...base, only: { scope: 'tenant' }, tenants: all });
    parts.push(planned);
    for (const w of waves) {
      reports.push(
        report(w, inRun.includes(w) ? 'not run' : 'not in this run', { work: workOf(planned.plan, w.tenants) }),
      );
    }
    return merge(parts, reports, null, null, skippedResults, snap.tenants.invalid);
  }

  for (const [i, w] of inRun.entries()) {
    if (sharedFailed || halted || paused) {
      reports.push(report(w, 'not run'));
      for (const t of w.tenants) skippedResults.push(skippedResult(t, 'tenant'));
      continue;
    }
    if (w.tenants.length === 0) {
      reports.push(report(w, 'done'));
      continue;
    }
    if (rollout.preflight && o.preflight) {
      const p = await o.preflight(w.tenants);
      if (p.failures.length + p.errors.length > 0) {
        const failed = [...new Set([...p.failures, ...p.errors].map((f) => f.schema))].sort();
        halted = { wave: w.name, reason: `preflight found data that would fail in ${failed.length} tenant(s)`, failed };
        reports.push(report(w, 'preflight failed', { preflight: p }));
        for (const t of w.tenants) skippedResults.push(skippedResult(t, 'tenant'));
        continue;
      }
    }
    const r = await runFleet(fleet, config, set, {
      ...base,
      only: { scope: 'tenant' },
      tenants: w.tenants,
      concurrency: w.concurrency ?? o.concurrency,
    });
    parts.push(r);
    const failed = r.results.filter((x) => x.status === 'failed' || x.status === 'locked').map((x) => x.schema);
    const allowance = allowanceOf(rollout, w) ?? Number.POSITIVE_INFINITY;
    const last = i === inRun.length - 1;
    let status: WaveStatus = 'done';
    if ((failed.length > allowance || (o.failFast && failed.length > 0)) && !last) {
      status = 'halted';
      halted = {
        wave: w.name,
        reason:
          rollout.onError === 'stop' || o.failFast
            ? `${failed.length} tenant(s) failed (onError: stop)`
            : `${failed.length} tenant(s) failed, more than its budget of ${allowance}`,
        failed,
      };
    } else if (w.pause && r.summary.applied > 0 && !last) {
      status = 'paused';
      paused = { wave: w.name, next: inRun[i + 1].name };
    }
    reports.push(
      report(w, status, {
        applied: r.summary.applied,
        failed: failed.length,
        work: workOf(
          r.results.map((x) => ({ schema: x.schema, scope: x.scope, migrations: x.migrations })),
          w.tenants,
        ),
      }),
    );
  }
  for (const w of waves) if (!inRun.includes(w)) reports.push(report(w, 'not in this run'));
  return merge(parts, reports, halted, paused, skippedResults, snap.tenants.invalid);
}

/** The fleet's tenants resolved into waves, each `query` wave's SQL run on the coordinator. */
async function fleetWaves(
  fleet: FleetConnection,
  rollout: RolloutConfig,
  tenants: readonly string[],
): Promise<ResolvedWave[]> {
  const queried = new Map<string, readonly string[]>();
  for (const w of rollout.waves)
    if (w.query !== null) queried.set(w.name, await waveQuery(fleet.coordinator, w.name, w.query));
  return resolveWaves(rollout.waves, tenants, queried);
}

/**
 * The tenants `migrate --wave NAME` would run (the waves up to and including NAME), resolved
 * as {@link runRollout} resolves them: what `migrate --preflight --wave NAME` checks.
 */
export async function tenantsUpToWave(
  fleet: FleetConnection,
  config: Config,
  rollout: RolloutConfig,
  wave: string,
): Promise<string[]> {
  const snap = await snapshot(fleet, config, undefined, true);
  return wavesUpTo(await fleetWaves(fleet, rollout, snap.tenants.tenants), wave).flatMap((w) => w.tenants);
}

const allowanceOf = (rollout: RolloutConfig, w: ResolvedWave): number | null =>
  rollout.onError === 'stop'
    ? 0
    : rollout.maxFailures === null
      ? null
      : failureAllowance(rollout.maxFailures, w.tenants.length);

async function waveQuery(client: pg.ClientBase, wave: string, query: string): Promise<string[]> {
  try {
    const r = await client.query({ text: query, rowMode: 'array' });
    return r.rows.map((row: unknown[]) => String(row[0]));
  } catch (cause) {
    throw new PgfleetError('input', `the query of rollout wave "${wave}" failed: ${(cause as Error).message}`, {
      hint: 'a wave query in pgfleet.yaml must return one column of tenant schema names',
      cause,
    });
  }
}

/** Each distinct list of migrations among `tenants`, with how many have it, most common first. */
function workOf(plan: readonly Pick<PlannedSchema, 'schema' | 'migrations'>[], tenants: readonly string[]) {
  const inWave = new Set(tenants);
  const groups = new Map<string, { migrations: readonly string[]; tenants: number }>();
  for (const p of plan) {
    if (!inWave.has(p.schema)) continue;
    const key = p.migrations.join(',');
    const g = groups.get(key) ?? { migrations: p.migrations, tenants: 0 };
    g.tenants++;
    groups.set(key, g);
  }
  return [...groups.values()].sort((a, b) => b.tenants - a.tenants);
}

function merge(
  parts: readonly RunResult[],
  waves: WaveReport[],
  halted: RolloutReport['halted'],
  paused: RolloutReport['paused'],
  skippedResults: readonly SchemaResult[],
  invalidNames: RunResult['summary']['invalidNames'],
): RolloutResult {
  const results = [...parts.flatMap((p) => p.results), ...skippedResults];
  const plan = parts.flatMap((p) => p.plan);
  return {
    direction: 'up',
    results,
    plan,
    summary: summaryOf(results, Math.max(plan.length, results.length), invalidNames),
    rollout: { waves, halted, paused },
  };
}

import type { Config } from '../config/config.js';
import { DEFAULT_ONLINE } from '../config/online-config.js';
import { safeUrl } from '../devdb/dev-database.js';
import { serverMajor } from '../devdb/server-major.js';
import { type MigrationSet, refuseNewerPostgres } from '../migrations/index.js';
import type { Scope } from '../model/types.js';
import type { ApplyOptions, SchemaResult } from './apply-schema.js';
import { ensureClaimFunction } from './claim.js';
import type { ConnectionReport } from './connection-report.js';
import { Executor } from './executor.js';
import { type FleetConnection, type FleetSnapshot, lockRun, snapshot, warmPool } from './fleet.js';
import { readHistory } from './history.js';
import type { SchemaState } from './pending.js';
import { type PlannedSchema, planOf, refuseEdited, type Selection, selectionOf, statesOf, workOf } from './prepare.js';
import { refuseHazards } from './refuse-hazards.js';
import { isFailure, skippedResult, summaryOf } from './results.js';
import { type ProgressEvent, RunLog } from './run-log.js';
import { stepSession } from './session-step.js';
import { sharedHasOf, type TriageContext, triage } from './triage.js';

export type { PlannedSchema } from './prepare.js';
export type { ProgressEvent } from './run-log.js';

export interface RunOptions {
  /** Only the shared schema, only the tenants, or one schema. */
  readonly only?: { readonly scope: Scope } | { readonly schema: string };
  /** up: apply migrations up to `to`; down: roll back those after `to`, or the directory's last `steps`. */
  readonly direction: 'up' | 'down';
  readonly to?: string;
  readonly steps?: number;
  readonly fake?: boolean;
  /** Compute what would run; run nothing. */
  readonly planOnly?: boolean;
  /** Only these tenants of the fleet (a rollout wave, see rollout.ts); the others are left out of the run. */
  readonly tenants?: readonly string[];
  readonly concurrency: number;
  readonly failFast?: boolean;
  readonly lockTimeoutMs?: number;
  /** At most this many retries of a lock timeout (default: as many as the budget allows). */
  readonly retries?: number;
  /** How long one schema may wait on locks in all (default: pgfleet.yaml `locks.budgetMs`, 2 min). */
  readonly lockBudgetMs?: number;
  /** Hazard kinds allowed besides pgfleet.yaml's `allowHazards` (`--allow-hazards`). */
  readonly allowHazards?: readonly string[];
  /**
   * Server time one message of several schemas may take (default 50 ms; 0: one schema per
   * message). What a killed run had sent still runs to its end on the server.
   */
  readonly batchBudgetMs?: number;
  readonly onProgress?: (event: ProgressEvent) => void;
}

export interface RunResult {
  readonly direction: 'up' | 'down';
  readonly results: readonly SchemaResult[];
  /** With planOnly: what each schema would run. */
  readonly plan: readonly PlannedSchema[];
  readonly summary: RunSummary;
  /** With planOnly: what each database's URL was taken to be (see connection-report.ts). */
  readonly connection?: readonly ConnectionReport[];
  /** The run lock taken over from a run that died, and the like. */
  readonly notices?: readonly string[];
}

export interface RunSummary {
  readonly schemas: number;
  readonly applied: number;
  readonly upToDate: number;
  readonly failed: number;
  readonly locked: number;
  readonly skipped: number;
  readonly invalidNames: ReadonlyArray<{ readonly name: string; readonly problem: string }>;
}

/**
 * The fleet run behind `migrate` and `rollback`, as a pipeline: prepare (pure: where each
 * schema stands and what it must run, prepare.ts) → triage (pure: what needs no connection,
 * triage.ts) → the executor (executor.ts), one schema or a batch of them per connection.
 * Up: the shared schema first (a failure there stops before any tenant), then every tenant
 * `concurrency` at a time. Down: the other way. Returns a result per schema; database
 * errors never throw.
 */
export async function runFleet(
  fleet: FleetConnection,
  config: Config,
  set: MigrationSet,
  o: RunOptions,
): Promise<RunResult> {
  if (!o.planOnly) await lockRun(fleet, o.direction === 'up' ? 'migrate' : 'rollback');
  const selection = selectionOf(config.shared.schema, o.only);
  // Shared migrations may create the table the tenants query reads: list tenants after them.
  const snap = await snapshot(fleet, config, selection.one, true);
  const states = statesNow(config, snap, selection, set, o);
  const toRun = states.flatMap((s) => workOf(s, o, set));
  if (!o.planOnly) warmPool(fleet.pool, Math.min(o.concurrency, toRun.length));
  refuseNewerPostgres(toRun, await serverMajor(fleet.coordinator));
  // Before any schema is touched: a step that needs a real session stops a run behind a transaction pooler without directDatabase.
  const session = o.planOnly ? null : await stepSession(fleet.session, safeUrl(fleet.url), toRun, o.direction, o.fake);
  if (o.planOnly) return finish(o.direction, [], planOf(states, o, set), snap.tenants.invalid);
  // Before any schema is touched: every pending statement's hazard must be allowed.
  const online = config.online ?? DEFAULT_ONLINE;
  if (o.direction === 'up' && !o.fake) refuseHazards(toRun, [...online.allowHazards, ...(o.allowHazards ?? [])]);

  const apply: ApplyOptions = {
    direction: o.direction,
    fake: o.fake,
    // A short lock_timeout, retried with jittered backoff until the schema's budget is spent:
    // the application's queries never wait behind pgfleet longer than the lock timeout.
    lockTimeoutMs: o.lockTimeoutMs ?? online.lockTimeoutMs,
    retries: o.retries ?? Number.POSITIVE_INFINITY,
    lockBudgetMs: o.lockBudgetMs ?? online.lockBudgetMs,
    statementTimeoutMs: online.statementTimeoutMs,
    longStatementTimeoutMs: online.longStatementTimeoutMs,
    // Nothing to do (most runs against a migrated fleet) needs no claim and no round trip for one.
    claimFunction: toRun.length > 0 && (await ensureClaimFunction(fleet.coordinator)),
    session,
  };
  const log = new RunLog(states.length, o.onProgress);
  const run: Run = {
    fleet,
    config,
    set,
    o,
    selection,
    log,
    executor: new Executor(fleet, log, {
      shared: config.shared.schema,
      apply,
      concurrency: o.concurrency,
      failFast: o.failFast,
      batchBudgetMs: o.batchBudgetMs,
    }),
  };
  return o.direction === 'up' ? runUp(run, snap, states) : runDown(run, snap, states);
}

/** What a run's two directions share. */
interface Run {
  readonly fleet: FleetConnection;
  readonly config: Config;
  readonly set: MigrationSet;
  readonly o: RunOptions;
  readonly selection: Selection;
  readonly log: RunLog;
  readonly executor: Executor;
}

/** Where each selected schema stands, by `snap`; an edited applied migration stops the run here. */
function statesNow(
  config: Config,
  snap: FleetSnapshot,
  selection: Selection,
  set: MigrationSet,
  o: RunOptions,
): SchemaState[] {
  const subset = o.tenants ? new Set(o.tenants) : null;
  const tenants = subset ? snap.tenants.tenants.filter((t) => subset.has(t)) : snap.tenants.tenants;
  const states = statesOf(config.shared.schema, tenants, snap.history, selection, set, o);
  refuseEdited(states);
  return states;
}

const triageAll = (run: Run, states: readonly SchemaState[], ctx: TriageContext) =>
  states.map((s) => triage(s, workOf(s, run.o, run.set), ctx));

/**
 * Up: the shared schema first; a failure there skips every tenant. Its migrations may add
 * tenants (or the table listing them), so the tenants are listed again after it applied.
 */
async function runUp(run: Run, before: FleetSnapshot, statesBefore: readonly SchemaState[]): Promise<RunResult> {
  const { fleet, config, set, o, selection, log } = run;
  const shared = statesBefore.find((s) => s.scope === 'shared');
  let snap = before;
  let states = statesBefore;
  if (shared) {
    const [decision] = triageAll(run, [shared], { existing: snap.existing });
    const r = await run.executor.settle(decision);
    if (isFailure(r)) {
      for (const s of states.filter((t) => t.scope === 'tenant')) log.report(skippedResult(s.schema, s.scope));
      return finish(o.direction, log.results, planOf(states, o, set), snap.tenants.invalid);
    }
    if (selection.tenants && selection.one === undefined && r.status === 'applied') {
      snap = await snapshot(fleet, config, selection.one);
      states = statesNow(config, snap, selection, set, o);
      log.total = states.length;
    }
  }
  // `requires: shared V` is checked against the shared schema's history as it is now.
  const sharedSchema = config.shared.schema;
  const sharedRows = (await readHistory(fleet.coordinator, [sharedSchema])).get(sharedSchema) ?? [];
  const tenants = states.filter((s) => s.scope === 'tenant');
  await run.executor.many(
    triageAll(run, tenants, { existing: snap.existing, sharedHas: sharedHasOf(sharedRows, set.shared) }),
  );
  return finish(o.direction, log.results, planOf(states, o, set), snap.tenants.invalid);
}

/** Down: the tenants first, then (when none failed) the shared schema they depend on. */
async function runDown(run: Run, snap: FleetSnapshot, states: readonly SchemaState[]): Promise<RunResult> {
  const { set, o, log } = run;
  const ctx = { existing: snap.existing };
  await run.executor.many(
    triageAll(
      run,
      states.filter((s) => s.scope === 'tenant'),
      ctx,
    ),
  );
  const shared = states.find((s) => s.scope === 'shared');
  if (shared) {
    if (log.failures > 0) log.report(skippedResult(shared.schema, 'shared'));
    else await run.executor.settle(triageAll(run, [shared], ctx)[0]);
  }
  return finish(o.direction, log.results, planOf(states, o, set), snap.tenants.invalid);
}

function finish(
  direction: 'up' | 'down',
  results: readonly SchemaResult[],
  plan: PlannedSchema[],
  invalidNames: RunSummary['invalidNames'],
): RunResult {
  const order = new Map(plan.map((p, i) => [p.schema, i]));
  const sorted = [...results].sort((a, b) => (order.get(a.schema) ?? 0) - (order.get(b.schema) ?? 0));
  return { direction, results: sorted, plan, summary: summaryOf(results, plan.length, invalidNames) };
}

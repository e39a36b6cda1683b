import type pg from 'pg';
import { safeUrl } from '../devdb/dev-database.js';
import { serverMajor } from '../devdb/server-major.js';
import { PgfleetError } from '../errors.js';
import type { Config } from '../load/config.js';
import { compareVersions, type Migration, type MigrationSet, refuseNewerPostgres } from '../migrations/index.js';
import type { Scope } from '../model/types.js';
import {
  applyBatch,
  BATCH_SCHEMAS,
  type BatchItem,
  type BatchOutcome,
  BatchSizer,
  fitsBatch,
  takeBatch,
} from './apply-batch.js';
import { type ApplyOptions, applyToSchema, LOCK_NOT_AVAILABLE, type SchemaResult } from './apply-schema.js';
import { ensureClaimFunction, LOCKED } from './claim.js';
import type { ConnectionReport } from './connection-report.js';
import { type FleetConnection, lockRun, snapshot } from './fleet.js';
import { readHistory } from './history.js';
import { type SchemaState, schemaState } from './pending.js';
import { chunks, forEachBounded } from './pool.js';
import { INSUFFICIENT_PRIVILEGE, withGrantHint } from './privileges.js';
import { stepSession } from './session-step.js';

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
  readonly concurrency: number;
  readonly failFast?: boolean;
  readonly lockTimeoutMs?: number;
  readonly retries?: number;
  /**
   * Server time one message of several schemas may take (default 50 ms; 0: one schema per
   * message). What a killed run had sent still runs to its end on the server.
   */
  readonly batchBudgetMs?: number;
  readonly onProgress?: (event: ProgressEvent) => void;
}

export interface ProgressEvent {
  readonly total: number;
  readonly done: number;
  readonly failed: number;
  readonly last: SchemaResult;
}

export interface PlannedSchema {
  readonly schema: string;
  readonly scope: Scope;
  readonly migrations: readonly string[];
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

const failedResult = (
  schema: string,
  scope: Scope,
  message: string,
  migration: string | null = null,
): SchemaResult => ({
  schema,
  scope,
  status: 'failed',
  migrations: [],
  error: { migration, message },
  ms: 0,
  attempts: 0,
});

const nothingRun =
  (status: 'skipped' | 'up-to-date') =>
  (schema: string, scope: Scope): SchemaResult => ({
    schema,
    scope,
    status,
    migrations: [],
    ms: 0,
    attempts: 0,
  });
const skipped = nothingRun('skipped');
const upToDate = nothingRun('up-to-date');

/** What `direction` does to a schema in `state`: pending migrations up, or applied ones down in reverse. */
function work(state: SchemaState, o: RunOptions, set: MigrationSet): Migration[] {
  if (o.direction === 'up') return [...state.pending];
  const to = o.steps !== undefined ? stepsBack(set[state.scope], o.steps) : o.to;
  return [...state.applied].reverse().filter((m) => to === undefined || compareVersions(m.version, to) > 0);
}

/**
 * `--steps K` counts back from the directory's latest migration of the scope, not from each
 * schema's own version: rerunning a rollback that was interrupted, or rolling back while a
 * tenant had failed the latest migration, never takes a schema further back than asked.
 */
const stepsBack = (migrations: readonly Migration[], steps: number): string =>
  migrations[migrations.length - 1 - steps]?.version ?? '0';

/**
 * The fleet run behind `migrate` and `rollback`: the shared schema first (a failure there
 * stops before any tenant), then every tenant `concurrency` at a time, each in its own
 * transaction with its history. Returns a result per schema; database errors never throw.
 */
export async function runFleet(
  fleet: FleetConnection,
  config: Config,
  set: MigrationSet,
  o: RunOptions,
): Promise<RunResult> {
  const shared = config.shared.schema;
  const one = o.only && 'schema' in o.only ? o.only.schema : undefined;
  const scopeOnly = o.only && 'scope' in o.only ? o.only.scope : undefined;
  if (!o.planOnly) await lockRun(fleet, o.direction === 'up' ? 'migrate' : 'rollback');
  const doShared = scopeOnly !== 'tenant' && (one === undefined || one === shared);
  const doTenants = scopeOnly !== 'shared' && one !== shared;
  const to = o.direction === 'up' ? o.to : undefined;
  // Shared migrations may create the table the tenants query reads: list tenants after them.
  let snap = await snapshot(fleet, config, one, true);
  const stateOf = (schema: string, scope: Scope) =>
    schemaState(schema, scope, set[scope], snap.history.get(schema) ?? [], to);
  const statesNow = () => [
    ...(doShared ? [stateOf(shared, 'shared')] : []),
    ...(doTenants ? snap.tenants.tenants : []).map((t) => stateOf(t, 'tenant')),
  ];
  let states = statesNow();
  refuseEdited(states);
  const toRun = states.flatMap((s) => work(s, o, set));
  refuseNewerPostgres(toRun, await serverMajor(fleet.coordinator));
  // Before any schema is touched: a non-transactional step that needs a real session stops a run behind a transaction pooler without directDatabase.
  const session = o.planOnly ? null : await stepSession(fleet.session, safeUrl(fleet.url), toRun, o.direction, o.fake);
  const planOf = (list: SchemaState[]) =>
    list.map((s) => ({ schema: s.schema, scope: s.scope, migrations: work(s, o, set).map((m) => m.id) }));
  const results: SchemaResult[] = [];
  let total = states.length;
  let failures = 0;
  const report = (r: SchemaResult) => {
    results.push(r);
    if (r.status === 'failed' || r.status === 'locked') failures++;
    o.onProgress?.({ total, done: results.length, failed: failures, last: r });
    return r;
  };
  if (o.planOnly) return finish(o.direction, [], planOf(states), snap.tenants.invalid);

  const applyOptions: ApplyOptions = {
    direction: o.direction,
    fake: o.fake,
    lockTimeoutMs: o.lockTimeoutMs ?? 5000,
    retries: o.retries ?? 3,
    // Nothing to do (most runs against a migrated fleet) needs no claim and no round trip for one.
    claimFunction: toRun.length > 0 && (await ensureClaimFunction(fleet.coordinator)),
    session,
  };
  // Checked for tenants going up once the shared schema has run (`requires: shared V`).
  let requiresMissing: (todo: readonly Migration[]) => Migration | undefined = () => undefined;
  /** A schema's result when it needs no connection (nothing to do, or it may not run), else its work. */
  const triage = (state: SchemaState): SchemaResult | Migration[] => {
    if (state.problems.length > 0) return failedResult(state.schema, state.scope, state.problems.join('; '));
    const todo = work(state, o, set);
    // Most of a fleet is up to date: such a schema costs no connection and no round trip.
    if (todo.length === 0) return upToDate(state.schema, state.scope);
    if (!snap.existing.has(state.schema)) {
      return failedResult(
        state.schema,
        state.scope,
        `schema "${state.schema}" does not exist (create tenants with \`pgfleet tenant create\`)`,
      );
    }
    const missing = state.scope === 'tenant' ? requiresMissing(todo) : undefined;
    if (missing?.requires) {
      return failedResult(
        state.schema,
        'tenant',
        `${missing.id} requires shared ${missing.requires.version}, which the shared schema has not applied; run \`pgfleet migrate --shared\` first`,
        missing.id,
      );
    }
    return todo;
  };
  const withHint = (r: SchemaResult): SchemaResult =>
    r.error?.code === INSUFFICIENT_PRIVILEGE
      ? { ...r, error: { ...r.error, message: withGrantHint(r.error.message, fleet.url) } }
      : r;
  const applyOne = async (
    target: { schema: string; scope: Scope },
    todo: readonly Migration[],
    options = applyOptions,
  ): Promise<SchemaResult> => {
    let client: pg.PoolClient;
    try {
      client = await fleet.pool.connect();
    } catch (error) {
      return report(failedResult(target.schema, target.scope, `could not connect: ${(error as Error).message}`));
    }
    let result: SchemaResult | undefined;
    try {
      result = await applyToSchema(client, { ...target, shared }, todo, options);
    } catch (error) {
      result = failedResult(target.schema, target.scope, (error as Error).message);
    } finally {
      // A connection that saw a failure may be broken (terminated, cut): never hand it out again.
      client.release(result?.status === 'failed' || result?.status === 'locked');
    }
    return report(withHint(result));
  };
  const apply = async (state: SchemaState): Promise<SchemaResult> => {
    const t = triage(state);
    return Array.isArray(t) ? applyOne(state, t) : report(t);
  };
  // A run whose lease another run took over (it stopped renewing for longer than the expiry) starts no new schema.
  const stopping = () => (!!o.failFast && failures > 0) || fleet.lease?.lost === true;

  /**
   * Schemas whose work is one transaction go to the server several to a message
   * (`applyBatch`, as many as `BatchSizer` allows); the first that fails in a batch is run again on its own, which traces the
   * failure to its migration, retries a lock that timed out and records the attempt, and
   * the schemas after it go in the next batch.
   */
  const sizer = new BatchSizer(o.batchBudgetMs);
  const applyBatched = async (items: readonly BatchItem[]) => {
    let rest = items;
    while (rest.length > 0) {
      if (stopping()) {
        for (const b of rest) report(skipped(b.schema, b.scope));
        return;
      }
      const batch = takeBatch(rest, sizer.next());
      if (batch.length === 1) {
        const r = await applyOne(batch[0], batch[0].migrations);
        if (r.status === 'applied') sizer.observe(r.ms, 1);
        rest = rest.slice(1);
        continue;
      }
      let client: pg.PoolClient;
      try {
        client = await fleet.pool.connect();
      } catch (error) {
        for (const b of batch)
          report(failedResult(b.schema, b.scope, `could not connect: ${(error as Error).message}`));
        rest = rest.slice(batch.length);
        continue;
      }
      let outcome: BatchOutcome;
      try {
        outcome = await applyBatch(client, fleet.coordinator, batch, applyOptions);
      } catch (error) {
        client.release(true);
        throw error;
      }
      client.release(outcome.stoppedAt !== null);
      sizer.observe(outcome.ms, outcome.stoppedAt ?? batch.length);
      for (const r of outcome.committed) report(r);
      if (outcome.stoppedAt === null) {
        rest = rest.slice(batch.length);
        continue;
      }
      const failed = batch[outcome.stoppedAt];
      const code = outcome.error?.code;
      if (code === LOCKED) {
        report(lockedResult(failed, outcome.error?.message ?? ''));
      } else {
        const prior = code === LOCK_NOT_AVAILABLE ? 1 : 0;
        await applyOne(failed, failed.migrations, { ...applyOptions, priorAttempts: prior });
      }
      rest = rest.slice(outcome.stoppedAt + 1);
    }
  };
  const applyChunk = async (chunk: readonly SchemaState[]) => {
    const batchable: BatchItem[] = [];
    for (const state of chunk) {
      if (stopping()) {
        report(skipped(state.schema, state.scope));
        continue;
      }
      const t = triage(state);
      if (!Array.isArray(t)) report(t);
      else if (fitsBatch(t)) batchable.push({ schema: state.schema, scope: state.scope, shared, migrations: t });
      else await applyOne(state, t);
    }
    await applyBatched(batchable);
  };
  const applyTenants = (list: readonly SchemaState[]) =>
    forEachBounded(chunks(list, BATCH_SCHEMAS), o.concurrency, applyChunk, (chunk) => {
      for (const s of chunk) report(skipped(s.schema, s.scope));
    });

  const sharedState = states.find((s) => s.scope === 'shared');
  let tenantStates = states.filter((s) => s.scope === 'tenant');
  // Rolling back goes the other way: tenants first, then the shared schema they depend on.
  if (o.direction === 'down') {
    await applyTenants(tenantStates);
    if (sharedState) await (failures > 0 ? report(skipped(sharedState.schema, 'shared')) : apply(sharedState));
    return finish(o.direction, results, planOf(states), snap.tenants.invalid);
  }
  if (sharedState) {
    const r = await apply(sharedState);
    if (r.status === 'failed' || r.status === 'locked') {
      for (const s of tenantStates) report(skipped(s.schema, s.scope));
      return finish(o.direction, results, planOf(states), snap.tenants.invalid);
    }
    if (doTenants && one === undefined && r.status === 'applied') {
      snap = await snapshot(fleet, config, one);
      states = statesNow();
      refuseEdited(states);
      tenantStates = states.filter((s) => s.scope === 'tenant');
      total = states.length;
    }
  }
  // `requires: shared V` is checked against the shared schema's history as it is now.
  const sharedApplied = new Set(
    ((await readHistory(fleet.coordinator, [shared])).get(shared) ?? [])
      .filter((r) => r.status === 'applied')
      .map((r) => r.version),
  );
  const sharedHas = (v: string) =>
    sharedApplied.has(v) ||
    set.shared.some((m) => m.replaces.some((id) => id.startsWith(`${v}_`)) && sharedApplied.has(m.version));
  requiresMissing = (todo) => todo.find((m) => m.requires?.scope === 'shared' && !sharedHas(m.requires.version));
  await applyTenants(tenantStates);
  return finish(o.direction, results, planOf(states), snap.tenants.invalid);
}

const lockedResult = (b: BatchItem, message: string): SchemaResult => ({
  schema: b.schema,
  scope: b.scope,
  status: 'locked',
  migrations: [],
  error: { migration: b.migrations[0]?.id ?? null, message, code: LOCKED },
  ms: 0,
  attempts: 1,
});

/** An applied migration whose file changed stops the run before it touches anything (more). */
function refuseEdited(states: readonly SchemaState[]) {
  const edited = states.flatMap((s) => s.edited);
  if (edited.length > 0) {
    throw new PgfleetError('input', `${edited.length} applied migration(s) changed since they ran; nothing was run`, {
      diagnostics: edited.map((message) => ({ file: message.split(' ')[0], line: 1, col: 1, pointer: '', message })),
      hint: 'restore the files as they were when applied (git log -p generated/); put new changes in a new migration with `pgfleet generate`',
    });
  }
}

function finish(
  direction: 'up' | 'down',
  results: SchemaResult[],
  plan: PlannedSchema[],
  invalidNames: RunSummary['invalidNames'],
): RunResult {
  const count = (s: SchemaResult['status']) => results.filter((r) => r.status === s).length;
  const order = new Map(plan.map((p, i) => [p.schema, i]));
  const sorted = [...results].sort((a, b) => (order.get(a.schema) ?? 0) - (order.get(b.schema) ?? 0));
  return {
    direction,
    results: sorted,
    plan,
    summary: {
      schemas: plan.length,
      applied: count('applied'),
      upToDate: count('up-to-date'),
      failed: count('failed'),
      locked: count('locked'),
      skipped: count('skipped'),
      invalidNames,
    },
  };
}

import pg from 'pg';
import { diff } from '../diff/diff.js';
import { type ErrorCode, PgfleetError } from '../errors.js';
import type { RecordedMigration } from '../fleet/history.js';
import { chunks } from '../fleet/pool.js';
import { type Fingerprint, fingerprints } from '../inspect/fingerprint.js';
import { inspectSchemas } from '../inspect/index.js';
import { scopeOf } from '../inspect/scope.js';
import { idOf } from '../migrations/migration-id.js';
import type { Change } from '../model/changes.js';
import { stableKey } from '../model/compare.js';
import type { IgnoreRules } from '../model/ignore.js';
import type { Model, Scope } from '../model/types.js';
import { plan } from '../plan/plan.js';
import { SET_EXPRESSION_SINCE } from '../plan/server-features.js';
import { definitionDiff, withHeader } from './definitions.js';
import { describeDrift } from './describe.js';
import { fixSql, type Repair } from './fix-sql.js';
import {
  type Difference,
  DRIFT_HISTORY_KINDS,
  type DriftGroup,
  type DriftResult,
  type HistoryFinding,
  type SchemaDrift,
} from './types.js';

export interface DriftTarget {
  readonly schema: string;
  readonly scope: Scope;
}

/** What one schema is expected to be, as the caller (who knows history and the model) sees it. */
export interface Expectation {
  /** Schemas with equal keys (of one scope) are compared with the same expected model. */
  readonly key: string;
  /** What the schema is compared with, for the report: `model`, or the last applied migration. */
  readonly label: string | null;
  /** The schema's history: drift findings (unknown or edited migrations) and information (pending, failed). */
  readonly history: readonly HistoryFinding[];
  readonly pending: readonly string[];
  /**
   * With pending migrations: the key of the state with them applied too. A schema that
   * differs from `key` but matches this one has their changes without their history rows.
   */
  readonly withPending: { readonly key: string; readonly migrations: readonly RecordedMigration[] } | null;
}

export interface DetectOptions {
  readonly sharedSchema: string;
  /** Objects left to someone else (`ignore:`): never reported. */
  readonly ignore?: IgnoreRules;
  /** The expectation of each target of a batch, in order (the caller reads history once per batch). */
  readonly expectations: (client: pg.ClientBase, targets: readonly DriftTarget[]) => Promise<readonly Expectation[]>;
  /** The expected model of a key; a PgfleetError('input') means it cannot be built (a replay failed). */
  readonly expectedModel: (key: string, scope: Scope) => Promise<Model>;
  readonly fixSql?: boolean;
  /** The live server's major, which the fix SQL is planned for (default 17). */
  readonly serverMajor?: number;
  /**
   * Schemas per batch: one fingerprint query each (default: the targets shared out between
   * the clients, 250 to 5,000 a batch). A batch of more than 1,000 schemas reads pg_class
   * whole (see `fingerprints`), which costs the same for any number of schemas, so fewer,
   * larger batches cost less; memory grows with the batch.
   */
  readonly batchSize?: number;
  /** Schemas inspected in full per `inspectSchemas` call (default 100). */
  readonly inspectBatch?: number;
}

/** How the schemas of one fingerprint group (same scope, expectation and catalog) compare. */
interface Outcome {
  readonly changes: readonly Change[];
  /** The set of changes as a key: equal for equal sets, whatever their order. */
  readonly key: string;
  readonly differences: readonly Difference[];
  /** History drift found by comparing (missing history rows, or no expected state at all). */
  readonly found: readonly HistoryFinding[];
  readonly record: readonly RecordedMigration[];
  /** `definitionDiff` of the expected and live state: the same for every schema of the group. */
  readonly diff: string;
}

/** One schema, as a batch found it. */
interface Entry {
  readonly target: DriftTarget;
  readonly expectation: Expectation;
  readonly exists: boolean;
  readonly outcome: Outcome;
}

interface Group {
  readonly scope: Scope;
  readonly schemas: string[];
  readonly exists: boolean[];
  readonly outcome: Outcome;
  readonly history: readonly HistoryFinding[];
}

const MIN_FIRST_BATCH = 250;

function errorCode(cause: unknown): ErrorCode {
  if (cause instanceof PgfleetError) return cause.code;
  if (cause instanceof pg.DatabaseError && !cause.code?.startsWith('08')) return 'internal';
  return 'connection';
}

/**
 * Compare every target schema with its expected state and group those that drift the same
 * way. Cost, whatever the number of schemas: per batch one history read (by the caller),
 * one fingerprint query, and a full inspection (one query per object kind) of one schema
 * per distinct (expectation, fingerprint) pair, which in a healthy fleet is a handful.
 * Batches run on `clients` side by side (the catalog queries are CPU-bound on the server,
 * and cannot use parallel workers: see `printedIn`). Memory holds one small entry per
 * schema and the rows of one batch per client.
 *
 * Returns a result per schema; only a lost connection (or a broken catalog query) throws.
 */
export async function detectDrift(
  clients: readonly pg.ClientBase[],
  targets: readonly DriftTarget[],
  options: DetectOptions,
): Promise<Omit<DriftResult, 'against' | 'invalidNames'>> {
  const started = performance.now();
  const outcomes = new Map<string, Promise<Outcome>>();
  const entries: Entry[] = new Array(targets.length);
  let inspected = 0;

  const runBatch = async (client: pg.ClientBase, first: number, batch: readonly DriftTarget[]) => {
    const expectations = await options.expectations(client, batch);
    let prints: Map<string, Fingerprint>;
    try {
      prints = await fingerprints(
        client,
        scopeOf(
          batch.map((t) => t.schema),
          options.sharedSchema,
        ),
      );
    } catch (cause) {
      throw new PgfleetError(
        errorCode(cause),
        `reading the catalog of ${batch.length} schemas: ${(cause as Error).message}`,
        { cause },
      );
    }
    const keys = batch.map((t, i) => {
      const e = expectations[i];
      return `${t.scope}\0${e.key}\0${e.withPending?.key ?? ''}\0${prints.get(t.schema)?.hash}`;
    });
    // One representative per (expectation, fingerprint) pair no batch has met yet. Its
    // outcome is shared at once as a promise, so another batch waits for it, not redoes it.
    const mine = new Map<string, { index: number; settle: (o: Promise<Outcome>) => void }>();
    keys.forEach((key, i) => {
      if (outcomes.has(key)) return;
      let settle!: (o: Promise<Outcome>) => void;
      const outcome = new Promise<Outcome>((resolve) => {
        settle = resolve;
      });
      outcome.catch(() => {});
      outcomes.set(key, outcome);
      mine.set(key, { index: i, settle });
    });
    try {
      for (const chunk of chunks([...mine.values()], options.inspectBatch ?? 100)) {
        const live = await inspectSchemas(
          client,
          chunk.map((r) => batch[r.index].schema),
          { sharedSchema: options.sharedSchema, ignore: options.ignore },
        );
        inspected += chunk.length;
        for (const r of chunk) {
          const t = batch[r.index];
          r.settle(Promise.resolve(compare(t, live.get(t.schema)!, expectations[r.index], options)));
        }
      }
    } catch (error) {
      for (const r of mine.values()) r.settle(Promise.reject(error));
      throw error;
    }
    for (const [i, t] of batch.entries()) {
      entries[first + i] = {
        target: t,
        expectation: expectations[i],
        exists: prints.get(t.schema)?.exists ?? false,
        outcome: await outcomes.get(keys[i])!,
      };
    }
  };

  const indexes = targets.map((_, i) => i);
  // A short first batch: it meets the fleet's few distinct schemas (the shared one, the
  // usual tenant) early, and their full inspection then runs while the other connections
  // are still reading their batches, instead of after everything else.
  const head =
    options.batchSize === undefined && clients.length > 1 && targets.length > 4 * MIN_FIRST_BATCH ? MIN_FIRST_BATCH : 0;
  const size = options.batchSize ?? Math.min(5000, Math.max(250, Math.ceil((targets.length - head) / clients.length)));
  const batches = [...(head > 0 ? [indexes.slice(0, head)] : []), ...chunks(indexes.slice(head), size)];
  let next = 0;
  let failed = false;
  await Promise.all(
    clients.map(async (client) => {
      while (!failed && next < batches.length) {
        const batch = batches[next++];
        try {
          await runBatch(
            client,
            batch[0],
            batch.map((i) => targets[i]),
          );
        } catch (error) {
          failed = true;
          throw error;
        }
      }
    }),
  );
  return report(entries, options, {
    fingerprints: outcomes.size,
    inspected,
    ms: Math.round(performance.now() - started),
  });
}

/** Entries (in target order) as the result: each drifted schema in the group of those that drift alike. */
function report(
  entries: readonly Entry[],
  options: DetectOptions,
  stats: DriftResult['stats'],
): Omit<DriftResult, 'against' | 'invalidNames'> {
  const groups = new Map<string, Group>();
  const groupKeys: Array<string | null> = [];
  const schemas = entries.map(({ target: t, expectation: e, exists, outcome }) => {
    const history = outcome.found.length > 0 ? [...e.history, ...outcome.found] : e.history;
    const driftHistory = history.filter((h) => DRIFT_HISTORY_KINDS.has(h.kind));
    const drifted = outcome.changes.length > 0 || driftHistory.length > 0;
    let groupKey: string | null = null;
    if (drifted) {
      groupKey = `${t.scope}\0${outcome.key}\0${stableKey(driftHistory)}\0${stableKey(outcome.record)}`;
      const g = groups.get(groupKey);
      if (g) {
        g.schemas.push(t.schema);
        g.exists.push(exists);
      } else {
        groups.set(groupKey, { scope: t.scope, schemas: [t.schema], exists: [exists], outcome, history: driftHistory });
      }
    }
    groupKeys.push(groupKey);
    return {
      schema: t.schema,
      scope: t.scope,
      exists,
      drifted,
      expected: e.label,
      differences: outcome.differences,
      history,
      pending: e.pending,
    };
  });

  // Largest group first; among equals, the first schema's name decides.
  const ordered = [...groups.entries()].sort(
    ([, a], [, b]) => b.schemas.length - a.schemas.length || (a.schemas[0] < b.schemas[0] ? -1 : 1),
  );
  const index = new Map(ordered.map(([key], i) => [key, i]));
  const driftGroups: DriftGroup[] = ordered.map(([, g]) => ({
    scope: g.scope,
    count: g.schemas.length,
    schemas: g.schemas,
    differences: g.outcome.differences,
    history: g.history,
    diff: withHeader(g.schemas[0], g.outcome.diff),
    ...(options.fixSql
      ? { fixSql: groupFixSql(g, options.sharedSchema, options.serverMajor ?? SET_EXPRESSION_SINCE) }
      : {}),
  }));
  const withGroups: SchemaDrift[] = schemas.map((s, i) => {
    const key = groupKeys[i];
    return { ...s, group: key === null ? null : index.get(key)! };
  });
  const drifted = withGroups.filter((s) => s.drifted).length;
  return {
    clean: drifted === 0,
    summary: {
      schemas: withGroups.length,
      clean: withGroups.length - drifted,
      drifted,
      groups: driftGroups.length,
      pending: withGroups.filter((s) => s.pending.length > 0).length,
      missing: withGroups.filter((s) => !s.exists).length,
    },
    groups: driftGroups,
    schemas: withGroups,
    stats,
  };
}

/** Load an expected model; a model that cannot be built is a finding, not a failure of the run. */
async function expectedOrFinding(
  key: string,
  scope: Scope,
  options: DetectOptions,
): Promise<{ model: Model } | { finding: HistoryFinding }> {
  try {
    return { model: await options.expectedModel(key, scope) };
  } catch (cause) {
    if (!(cause instanceof PgfleetError) || cause.code !== 'input') throw cause;
    return {
      finding: {
        kind: 'unreplayable',
        migration: null,
        message: `the expected state cannot be built: ${cause.message}`,
      },
    };
  }
}

const SAME: Outcome = { changes: [], key: '[]', differences: [], found: [], record: [], diff: '' };

/** Compare one representative schema with its expectation. */
async function compare(t: DriftTarget, live: Model, e: Expectation, options: DetectOptions): Promise<Outcome> {
  const expected = await expectedOrFinding(e.key, t.scope, options);
  const changes = 'model' in expected ? diff(live, expected.model) : null;
  if (changes !== null && changes.length === 0) return SAME;
  // Not what its history says: is it what its history would say with the pending
  // migrations applied? Then those ran (by hand, or their history rows were lost).
  if (e.withPending) {
    const next = await expectedOrFinding(e.withPending.key, t.scope, options);
    if ('model' in next && diff(live, next.model).length === 0) {
      const found = e.withPending.migrations.map(
        (m): HistoryFinding => ({
          kind: 'missing_history',
          migration: idOf(m),
          message: `the schema has the changes of ${idOf(m)}, but its history does not record it`,
        }),
      );
      return { ...SAME, found, record: e.withPending.migrations };
    }
  }
  if ('finding' in expected) return { ...SAME, found: [expected.finding] };
  return {
    changes: changes ?? [],
    key: stableKey((changes ?? []).map((c) => stableKey(c)).sort()),
    differences: describeDrift(changes ?? []),
    found: [],
    record: [],
    diff: definitionDiff(expected.model, live, changes ?? []),
  };
}

function groupFixSql(g: Group, sharedSchema: string, serverMajor: number): string {
  let repairPlan: Repair['plan'];
  // Below 17 a changed generation expression means rebuilding the column with what depends
  // on it, which these changes (made for describing) do not hold: `pgfleet diff` plans that.
  const expression = g.outcome.changes.find(
    (c) =>
      c.kind === 'alter_column' &&
      c.from.generated !== null &&
      c.to.generated !== null &&
      c.from.generated !== c.to.generated,
  );
  try {
    if (expression?.kind === 'alter_column' && serverMajor < SET_EXPRESSION_SINCE) {
      throw new Error(
        `the generation expression of ${expression.table}.${expression.to.name} differs, which Postgres ${serverMajor} cannot change in place: ` +
          'get the SQL that rebuilds the column from `pgfleet diff --schema <schema>`',
      );
    }
    repairPlan = plan(g.outcome.changes, { scope: g.scope, sharedSchema, serverMajor });
  } catch (cause) {
    repairPlan = { error: (cause as Error).message };
  }
  const repair: Repair = {
    scope: g.scope,
    sharedSchema,
    plan: repairPlan,
    record: g.outcome.record,
    notes: g.history.filter((h) => h.kind !== 'missing_history').map((h) => h.message),
    summary: [
      ...g.outcome.differences.map((d) => d.message),
      ...g.history.filter((h) => h.kind === 'missing_history').map((h) => h.message),
    ],
  };
  return g.schemas.map((schema, i) => fixSql(schema, g.exists[i], repair)).join('\n');
}

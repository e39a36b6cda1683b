import { diff } from '../diff/diff.js';
import { PgfleetError } from '../errors.js';
import type { RecordedMigration } from '../fleet/history.js';
import { idOf } from '../migrations/migration-id.js';
import type { Change } from '../model/changes.js';
import { stableKey } from '../model/compare.js';
import type { Model, Scope } from '../model/types.js';
import { definitionDiff } from './definitions.js';
import { describeDrift } from './describe.js';
import type { Difference, DriftTarget, Expectation, ExpectedModel, HistoryFinding } from './types.js';

/** How the schemas of one fingerprint group (same scope, expectation and catalog) compare. */
export interface Outcome {
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
export interface Entry {
  readonly target: DriftTarget;
  readonly expectation: Expectation;
  readonly exists: boolean;
  readonly outcome: Outcome;
}

/** Load an expected model; a model that cannot be built is a finding, not a failure of the run. */
async function expectedOrFinding(
  key: string,
  scope: Scope,
  expectedModel: ExpectedModel,
): Promise<{ model: Model } | { finding: HistoryFinding }> {
  try {
    return { model: await expectedModel(key, scope) };
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
export async function compare(
  t: DriftTarget,
  live: Model,
  e: Expectation,
  expectedModel: ExpectedModel,
): Promise<Outcome> {
  const expected = await expectedOrFinding(e.key, t.scope, expectedModel);
  const changes = 'model' in expected ? diff(live, expected.model) : null;
  if (changes !== null && changes.length === 0) return SAME;
  // Not what its history says: is it what its history would say with the pending
  // migrations applied? Then those ran (by hand, or their history rows were lost).
  if (e.withPending) {
    const next = await expectedOrFinding(e.withPending.key, t.scope, expectedModel);
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

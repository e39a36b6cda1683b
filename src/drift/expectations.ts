import type { DevDatabase } from '../devdb/dev-database.js';
import type { SchemaState } from '../fleet/pending.js';
import type { ScopedModels } from '../inspect/canonicalise.js';
import { firstSteps, type Migration, type MigrationSet } from '../migrations/index.js';
import { idOf } from '../migrations/migration-id.js';
import type { Model, Scope } from '../model/types.js';
import { replayedState } from '../replay/replay.js';
import type { DriftAgainst, DriftTarget, Expectation, HistoryFinding } from './types.js';

/** History findings of one schema that do not need its catalog. */
function historyFindings(state: SchemaState): HistoryFinding[] {
  return [
    ...state.unknown.map(
      (r): HistoryFinding => ({
        kind: 'unknown_migration',
        migration: idOf(r),
        message: `${idOf(r)} is recorded as applied, but is not in the migration directory`,
      }),
    ),
    ...state.edited.map((message): HistoryFinding => ({ kind: 'edited_migration', migration: null, message })),
    ...state.problems.map((message): HistoryFinding => ({ kind: 'unreplayable', migration: null, message })),
    ...(state.failed
      ? [
          {
            kind: 'failed' as const,
            migration: idOf(state.failed),
            message: `${idOf(state.failed)} failed: ${state.failed.error ?? 'no message'}`,
          },
        ]
      : []),
  ];
}

/**
 * Messages name the schema they concern; the group a schema is in must not depend on its
 * name, so the name is taken out (`changed after it was applied to "tenant_a"`).
 */
const withoutSchema = (f: HistoryFinding, schema: string): HistoryFinding => ({
  ...f,
  message: f.message.replaceAll(` to ${JSON.stringify(schema)}`, '').replaceAll(`"${schema}" `, 'the schema '),
});

/** Keys of expected states and the models behind them, each built once per run. */
export function expectedStates(
  set: MigrationSet,
  dev: DevDatabase,
  against: DriftAgainst,
  sharedSchema: string,
  canonicalModel: () => Promise<ScopedModels>,
) {
  const lists = new Map<string, readonly Migration[]>();
  const models = new Map<string, Promise<Model>>();
  let canonical: Promise<ScopedModels> | null = null;

  const keyOf = (scope: Scope, migrations: readonly Migration[]) => {
    const key = `${scope}:${migrations.map((m) => m.id).join(',')}`;
    lists.set(key, migrations);
    return key;
  };

  const expectation = (t: DriftTarget, state: SchemaState): Expectation => {
    const history = historyFindings(state).map((f) => withoutSchema(f, t.schema));
    const pending = state.pending.map((m) => m.id);
    if (against === 'model') return { key: 'model', label: 'model', history, pending, withPending: null };
    // A schema inside a migration of steps is expected to have its first steps, no more.
    const applied = state.inside
      ? [...state.applied, firstSteps(state.inside.migration, state.inside.stepsDone)]
      : state.applied;
    // In directory order, as `migrate` would have applied them.
    const all = set[t.scope].filter((m) => applied.includes(m) || state.pending.includes(m));
    return {
      key: keyOf(t.scope, applied),
      label: applied.at(-1)?.id ?? null,
      history,
      pending,
      withPending: state.pending.length > 0 ? { key: keyOf(t.scope, all), migrations: state.pending } : null,
    };
  };

  const build = async (key: string, scope: Scope): Promise<Model> => {
    if (key === 'model') {
      canonical ??= canonicalModel();
      return (await canonical)[scope];
    }
    const migrations = lists.get(key) ?? [];
    // A tenant's migrations run after every shared one, as `migrate` runs them.
    const subset: MigrationSet =
      scope === 'shared' ? { shared: [...migrations], tenant: [] } : { shared: set.shared, tenant: [...migrations] };
    return (await replayedState(dev, subset, sharedSchema))[scope];
  };

  const model = (key: string, scope: Scope): Promise<Model> => {
    const cacheKey = `${scope}\0${key}`;
    let m = models.get(cacheKey);
    if (!m) {
      m = build(key, scope);
      models.set(cacheKey, m);
    }
    return m;
  };

  return { expectation, model };
}

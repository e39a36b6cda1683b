import { connect, type DevDatabase, openDevDatabase, safeUrl } from '../devdb/dev-database.js';
import { serverMajor } from '../devdb/server-major.js';
import { type DriftTarget, detectDrift, type Expectation } from '../drift/detect.js';
import type { DriftAgainst, DriftResult, HistoryFinding } from '../drift/types.js';
import { PgfleetError } from '../errors.js';
import { listTenants, readHistory, schemaState } from '../fleet/index.js';
import type { ScopedModels } from '../inspect/canonicalise.js';
import { type Migration, type MigrationSet, readMigrations } from '../migrations/index.js';
import type { Model, Scope } from '../model/types.js';
import { replayedState } from '../replay/replay.js';
import { databaseUrlOf } from './diff-schema.js';
import type { Project } from './project.js';
import { canonicalModel } from './validate.js';

export type {
  Difference,
  DriftAgainst,
  DriftGroup,
  DriftResult,
  DriftSummary,
  HistoryFinding,
  SchemaDrift,
} from '../drift/types.js';

import { checkConcurrency, checkSchemaFlag } from './flags.js';

export interface DriftOptions {
  /** Only the shared schema, only the tenants, or one schema (default: the whole fleet). */
  readonly only?: { readonly scope: Scope } | { readonly schema: string };
  /** Compare with what each schema's applied migrations produce (default), or with the model. */
  readonly against?: DriftAgainst;
  /** Add to each group the SQL that repairs its schemas. */
  readonly fixSql?: boolean;
  /** Connections that read the catalog side by side (default: `concurrency` of pgfleet.yaml). */
  readonly concurrency?: number;
  /** Schemas read per catalog query (default: the fleet shared out between the connections, 250 to 5,000). */
  readonly batchSize?: number;
}

/** Fewer schemas than this per connection are not worth another connection. */
const MIN_BATCH = 250;

/**
 * The dev database, started only when a replay is not cached or the model must be
 * canonicalised: a fleet whose expected states are all cached needs no dev Postgres.
 */
function lazyDevDatabase(spec: string): DevDatabase & { opened(): boolean } {
  let dev: Promise<DevDatabase> | null = null;
  const open = () => {
    dev ??= openDevDatabase(spec);
    return dev;
  };
  return {
    get url() {
      return spec;
    },
    async scratch() {
      return (await open()).scratch();
    },
    async close() {
      if (dev) await (await dev).close();
    },
    opened: () => dev !== null,
  };
}

const idOf = (r: { version: string; name: string }) => `${r.version}_${r.name}`;

/** History findings of one schema that do not need its catalog. */
function historyFindings(state: ReturnType<typeof schemaState>): HistoryFinding[] {
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

/**
 * `pgfleet drift`: compare every live schema of the fleet with what it should be, and
 * group the schemas that drift the same way. What it should be is, by default, the state
 * its applied migrations produce (replayed on the dev database, cached by checksum; the
 * shared migrations all applied for a tenant), or the model (`against: 'model'`). History
 * is checked too: migrations recorded as applied but missing from the directory, changed
 * since they ran, or applied without their history row. Pending migrations are
 * information, not drift.
 *
 * @example
 * const result = await drift(await loadProject(), { only: { scope: 'tenant' } });
 * if (!result.clean) for (const g of result.groups) console.log(g.count, g.differences[0]?.message);
 */
export async function drift(project: Project, options: DriftOptions = {}): Promise<DriftResult> {
  const only = options.only;
  if (only && 'schema' in only) checkSchemaFlag(only.schema);
  const against = options.against ?? 'history';
  if (against !== 'history' && against !== 'model') {
    throw new PgfleetError('input', `--against must be history or model, got ${JSON.stringify(against)}`);
  }
  const concurrency = checkConcurrency(options.concurrency ?? project.config.concurrency);
  const url = databaseUrlOf(project);
  const set = await readMigrations(project.config.migrations);
  const sharedSchema = project.config.shared.schema;
  // Connect first: a dead database should fail in milliseconds, before any dev database starts.
  const client = await connect(url);
  const clients = [client];
  const dev = lazyDevDatabase(project.config.devDatabase);
  try {
    const one = only && 'schema' in only ? only.schema : undefined;
    const scopeOnly = only && 'scope' in only ? only.scope : undefined;
    const targets: DriftTarget[] = [];
    if (scopeOnly !== 'tenant' && (one === undefined || one === sharedSchema))
      targets.push({ schema: sharedSchema, scope: 'shared' });
    let invalidNames: DriftResult['invalidNames'] = [];
    if (one !== undefined && one !== sharedSchema) {
      targets.push({ schema: one, scope: 'tenant' });
    } else if (one === undefined && scopeOnly !== 'shared') {
      const tenants = await listTenants(client, project.config);
      invalidNames = tenants.invalid;
      for (const schema of tenants.tenants) targets.push({ schema, scope: 'tenant' });
    }

    const expected = expectedStates(project, set, dev, against);
    // A model that does not load is bad input (exit 2), not a finding on every schema.
    if (against === 'model') await expected.model('model', 'tenant');
    // The first connection works too: never more than `concurrency` in all.
    const workers = Math.max(1, Math.min(concurrency, Math.ceil(targets.length / MIN_BATCH)));
    for (let i = 1; i < workers; i++) clients.push(await connect(url));
    const result = await detectDrift(clients, targets, {
      sharedSchema,
      fixSql: options.fixSql,
      serverMajor: options.fixSql ? await serverMajor(client) : undefined,
      batchSize: options.batchSize,
      expectedModel: expected.model,
      async expectations(worker, batch) {
        const history = await readHistory(
          worker,
          batch.map((t) => t.schema),
        );
        return batch.map((t) =>
          expected.expectation(t, schemaState(t.schema, t.scope, set[t.scope], history.get(t.schema) ?? [])),
        );
      },
    });
    return { against, ...result, invalidNames };
  } catch (cause) {
    if (cause instanceof PgfleetError) throw cause;
    throw new PgfleetError('connection', `comparing schemas at ${safeUrl(url)}: ${(cause as Error).message}`, {
      cause,
    });
  } finally {
    await Promise.all(clients.map((c) => c.end().catch(() => {})));
    await dev.close();
  }
}

/** Keys of expected states and the models behind them, each built once per run. */
function expectedStates(project: Project, set: MigrationSet, dev: DevDatabase, against: DriftAgainst) {
  const sharedSchema = project.config.shared.schema;
  const lists = new Map<string, readonly Migration[]>();
  const models = new Map<string, Promise<Model>>();
  let canonical: Promise<ScopedModels> | null = null;

  const keyOf = (scope: Scope, migrations: readonly Migration[]) => {
    const key = `${scope}:${migrations.map((m) => m.id).join(',')}`;
    lists.set(key, migrations);
    return key;
  };

  const expectation = (t: DriftTarget, state: ReturnType<typeof schemaState>): Expectation => {
    const history = historyFindings(state).map((f) => withoutSchema(f, t.schema));
    const pending = state.pending.map((m) => m.id);
    if (against === 'model') return { key: 'model', label: 'model', history, pending, withPending: null };
    const applied = state.applied;
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
      canonical ??= canonicalModel(project, dev);
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

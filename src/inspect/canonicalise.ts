import type pg from 'pg';
import { applyStatements, runAtOnce } from '../devdb/apply.js';
import type { DevDatabase } from '../devdb/dev-database.js';
import { serverMajor } from '../devdb/server-major.js';
import { diff } from '../diff/diff.js';
import type { Diagnostic } from '../errors.js';
import { PgfleetError } from '../errors.js';
import { emptyModel } from '../model/build.js';
import type { Change } from '../model/changes.js';
import type { Model, Scope, Table } from '../model/types.js';
import { orderChanges } from '../plan/order.js';
import { ident } from '../plan/quote.js';
import { render } from '../plan/render/index.js';
import { inspectSchemas } from './index.js';

export interface ScopedModels {
  readonly shared: Model;
  readonly tenant: Model;
}

/** Where a model object came from, for errors (the loader's SourceIndex fits). */
export interface SourceLookup {
  find(scope: Scope, path: readonly string[]): { file: string; line: number; col: number } | undefined;
}

/** The scratch schema that stands for "a tenant" while canonicalising. */
export const SCRATCH_TENANT = 'pgfleet_tenant';

/** The schemas of a scratch database that stand for the shared schema and "a tenant". */
export interface ScratchLayout {
  readonly shared: string;
  readonly tenant: string;
}

export const scratchLayout = (sharedSchema: string): ScratchLayout => ({
  shared: sharedSchema,
  tenant: sharedSchema === SCRATCH_TENANT ? `${SCRATCH_TENANT}_t` : SCRATCH_TENANT,
});

export async function createLayout(client: pg.ClientBase, layout: ScratchLayout): Promise<void> {
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${ident(layout.shared)}`);
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${ident(layout.tenant)}`);
}

/**
 * The models as Postgres stores them: each scope's DDL is run in a scratch database
 * (shared objects in a schema named like the real shared schema, tenant objects in a
 * tenant schema searched before it) and read back with the same inspector that reads live
 * schemas. Type aliases, default constraint names and expression spellings then compare
 * equal by construction. Hints (`renamedFrom`, `using`, `backfill`, `concurrently`) are
 * carried over from the input.
 */
export async function canonicalise(
  models: ScopedModels,
  dev: DevDatabase,
  options: { sharedSchema: string; sources?: SourceLookup },
): Promise<ScopedModels> {
  const scratch = await dev.scratch();
  try {
    return await canonicaliseIn(scratch.client, models, options);
  } finally {
    await scratch.drop();
  }
}

/**
 * `canonicalise` in an empty scratch database that the caller owns, left holding the models
 * in `scratchLayout(sharedSchema)`: the state a migration to the models must give, ready
 * for `generate` to verify the migration's down (and then up) on.
 */
export async function canonicaliseIn(
  client: pg.ClientBase,
  models: ScopedModels,
  options: { sharedSchema: string; sources?: SourceLookup },
): Promise<ScopedModels> {
  const layout = scratchLayout(options.sharedSchema);
  await createLayout(client, layout);
  await createFromModel(client, models.shared, 'shared', [layout.shared], options);
  await createFromModel(client, models.tenant, 'tenant', [layout.tenant, layout.shared], options);
  // Both schemas in one inspection: one snapshot and one query per object kind, not two.
  const inspected = await inspectSchemas(client, [layout.shared, layout.tenant], { sharedSchema: layout.shared });
  return {
    shared: withHints(inspected.get(layout.shared)!, models.shared),
    tenant: withHints(inspected.get(layout.tenant)!, models.tenant),
  };
}

/**
 * Create `model` in `schemas[0]` from nothing, change by change, so that a failure can be
 * traced to the model object that caused it.
 */
export async function createFromModel(
  client: Parameters<typeof applyStatements>[0],
  model: Model,
  scope: Scope,
  schemas: readonly string[],
  options: { sharedSchema: string; sources?: SourceLookup },
): Promise<void> {
  // The scratch copy needs no concurrent builds, which cannot run in a transaction.
  const plain = {
    ...model,
    tables: model.tables.map((t) => ({ ...t, indexes: t.indexes.map((i) => ({ ...i, concurrently: false })) })),
  };
  // Only the up direction is needed, and unnamed constraints (Postgres names them here) have no reverse yet.
  const major = await serverMajor(client);
  const rendered = orderChanges(diff(emptyModel(), plain, { serverMajor: major })).map((change) => ({
    change,
    statements: render(change, { scope, sharedSchema: options.sharedSchema, serverMajor: major }).statements,
  }));
  // One message for the whole model when every statement can run in a transaction: a
  // round trip per change cost most of `validate` at a few hundred tables (four messages
  // per change, thousands of changes). Only when it fails is the model created again
  // change by change, to name the object Postgres rejected.
  if (
    rendered.every((r) => r.statements.every((s) => s.transactional)) &&
    (await createAtOnce(client, rendered, schemas))
  ) {
    return;
  }
  for (const { change, statements } of rendered) {
    try {
      await applyStatements(client, statements, schemas);
    } catch (error) {
      throw rejected(error, change, scope, options.sources);
    }
  }
}

/** All statements in one transaction and one message; false (rolled back) when Postgres rejects any. */
function createAtOnce(
  client: Parameters<typeof applyStatements>[0],
  rendered: readonly { readonly statements: readonly { readonly sql: string }[] }[],
  schemas: readonly string[],
): Promise<boolean> {
  const statements = rendered.flatMap((r) => r.statements);
  return statements.length === 0 ? Promise.resolve(true) : runAtOnce(client, statements, schemas);
}

function changePath(change: Change): string[] {
  if ('table' in change) {
    const table = typeof change.table === 'string' ? change.table : change.table.name;
    if (
      change.kind === 'add_constraint' &&
      change.constraint.kind === 'foreignKey' &&
      change.constraint.columns.length === 1
    ) {
      return ['tables', table, 'columns', change.constraint.columns[0]];
    }
    if (change.kind === 'create_index' && change.index.name) return ['tables', table, 'indexes', change.index.name];
    if (change.kind === 'create_trigger') return ['tables', table, 'triggers', change.trigger.name];
    return ['tables', table];
  }
  if (change.kind === 'create_enum') return ['enums', change.enum.name];
  if (change.kind === 'create_domain') return ['domains', change.domain.name];
  if (change.kind === 'create_type') return ['types', change.type.name];
  if (change.kind === 'create_function') return ['functions', change.routine.name];
  if (change.kind === 'create_view')
    return [change.view.materialized ? 'materializedViews' : 'views', change.view.name];
  if (change.kind === 'create_sequence') return ['sequences', change.sequence.name];
  if (change.kind === 'create_extension') return ['extensions'];
  if (change.kind === 'create_collation') return ['collations', change.collation.name];
  if (change.kind === 'create_ts_dictionary') return ['textSearchDictionaries', change.dictionary.name];
  if (change.kind === 'create_ts_configuration') return ['textSearchConfigurations', change.configuration.name];
  return [];
}

function rejected(error: unknown, change: Change, scope: Scope, sources?: SourceLookup): PgfleetError {
  const e = error as Error & { statement?: string; hint?: string };
  const path = changePath(change);
  const at = sources?.find(scope, path) ?? sources?.find(scope, path.slice(0, 2));
  const diagnostic: Diagnostic = {
    file: at?.file ?? `<${scope} model>`,
    line: at?.line ?? 0,
    col: at?.col ?? 0,
    pointer: `/${path.join('/')}`,
    message: `Postgres rejected this ${scope} object: ${e.message}`,
    hint: e.hint ?? (e.statement ? `the statement was: ${e.statement.split('\n')[0]}` : undefined),
  };
  return new PgfleetError('input', `Postgres rejected the ${scope} model: ${e.message}`, {
    diagnostics: [diagnostic],
    hint: 'fix the model at the place shown; `pgfleet validate` checks the whole model',
    cause: error,
  });
}

/** Put the desired model's hints back on its canonical twin (Postgres does not store them). */
export function withHints(canonical: Model, desired: Model): Model {
  const tables = new Map(desired.tables.map((t) => [t.name, t]));
  return {
    ...canonical,
    tables: canonical.tables.map((t): Table => {
      const source = tables.get(t.name);
      if (!source) return t;
      const columns = new Map(source.columns.map((c) => [c.name, c]));
      const indexes = new Map(source.indexes.map((i) => [i.name, i]));
      return {
        ...t,
        ...(source.hints ? { hints: source.hints } : {}),
        columns: t.columns.map((c) => {
          const hints = columns.get(c.name)?.hints;
          return hints ? { ...c, hints } : c;
        }),
        indexes: t.indexes.map((i) => (indexes.get(i.name)?.concurrently ? { ...i, concurrently: true } : i)),
      };
    }),
  };
}

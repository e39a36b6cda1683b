import type { Migration } from '../migrations/index.js';
import { splitId } from '../migrations/migration-id.js';
import type { Scope } from '../model/types.js';
import type { SchemaResult } from './apply-schema.js';
import type { HistoryRow } from './history.js';
import type { SchemaState, StepProgress } from './pending.js';
import { failedResult, upToDateResult } from './results.js';

/** One schema's work for the executor. */
export interface Job {
  readonly schema: string;
  readonly scope: Scope;
  readonly migrations: readonly Migration[];
  /** The migration the schema is inside, and how many of its up steps are done. */
  readonly progress?: StepProgress | null;
  /** False when its history has no failed attempt to replace (see ApplyOptions.replacesFailure). */
  readonly replacesFailure?: boolean;
}

/** What to do with a schema: run its job, or report a result that needs no connection. */
export type Decision =
  | { readonly kind: 'run'; readonly job: Job }
  | { readonly kind: 'done'; readonly result: SchemaResult };

export interface TriageContext {
  /** Schemas that exist in the database. */
  readonly existing: ReadonlySet<string>;
  /**
   * Going up, once the shared schema has run: whether it has applied a shared version
   * (`requires: shared V` of a tenant migration). Absent: requirements are not checked.
   */
  readonly sharedHas?: (version: string) => boolean;
}

/**
 * Pure: a schema's result when it needs no connection (nothing to do, or it may not run),
 * else its job. Most of a fleet is up to date: such a schema costs no connection and no
 * round trip.
 */
export function triage(state: SchemaState, todo: readonly Migration[], ctx: TriageContext): Decision {
  const done = (result: SchemaResult): Decision => ({ kind: 'done', result });
  if (state.problems.length > 0) return done(failedResult(state.schema, state.scope, state.problems.join('; ')));
  if (todo.length === 0) return done(upToDateResult(state.schema, state.scope));
  if (!ctx.existing.has(state.schema)) {
    return done(
      failedResult(
        state.schema,
        state.scope,
        `schema "${state.schema}" does not exist (create tenants with \`pgfleet tenant create\`)`,
      ),
    );
  }
  const sharedHas = ctx.sharedHas;
  const missing =
    state.scope === 'tenant' && sharedHas
      ? todo.find((m) => m.requires?.scope === 'shared' && !sharedHas(m.requires.version))
      : undefined;
  if (missing?.requires) {
    return done(
      failedResult(
        state.schema,
        'tenant',
        `${missing.id} requires shared ${missing.requires.version}, which the shared schema has not applied; run \`pgfleet migrate --shared\` first`,
        missing.id,
      ),
    );
  }
  return {
    kind: 'run',
    job: {
      schema: state.schema,
      scope: state.scope,
      migrations: todo,
      ...(state.inside ? { progress: state.inside } : {}),
      ...(state.failed === null ? { replacesFailure: false } : {}),
    },
  };
}

/**
 * Whether the shared schema, by its history `rows`, has applied version `v`: directly, or
 * through a squashed migration (of `shared`) that replaced it.
 */
export function sharedHasOf(rows: readonly HistoryRow[], shared: readonly Migration[]): (v: string) => boolean {
  const applied = new Set(rows.filter((r) => r.status === 'applied').map((r) => r.version));
  return (v) =>
    applied.has(v) || shared.some((m) => m.replaces.some((id) => splitId(id)?.version === v) && applied.has(m.version));
}

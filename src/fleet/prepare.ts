import { PgfleetError } from '../errors.js';
import { compareVersions, type Migration, type MigrationSet } from '../migrations/index.js';
import type { Scope } from '../model/types.js';
import type { HistoryRow } from './history.js';
import { type SchemaState, schemaState } from './pending.js';

/**
 * The first step of a fleet run, pure: which schemas the run is about, where each stands,
 * and what each must run. No database: the snapshot (history, tenants) is read before.
 */

/** What a run asks for: the direction, and how far. */
export interface RunTarget {
  readonly direction: 'up' | 'down';
  readonly to?: string;
  readonly steps?: number;
}

/** Which schemas a run is about, from `--shared`, `--tenant` or `--schema S`. */
export interface Selection {
  readonly shared: boolean;
  readonly tenants: boolean;
  /** The one schema asked for (`--schema S`), shared or a tenant. */
  readonly one?: string;
}

export function selectionOf(
  sharedSchema: string,
  only: { readonly scope: Scope } | { readonly schema: string } | undefined,
): Selection {
  const one = only && 'schema' in only ? only.schema : undefined;
  const scopeOnly = only && 'scope' in only ? only.scope : undefined;
  return {
    shared: scopeOnly !== 'tenant' && (one === undefined || one === sharedSchema),
    tenants: scopeOnly !== 'shared' && one !== sharedSchema,
    ...(one !== undefined ? { one } : {}),
  };
}

export interface PlannedSchema {
  readonly schema: string;
  readonly scope: Scope;
  readonly migrations: readonly string[];
}

/** Where each selected schema stands: the shared schema first, then the tenants in the order listed. */
export function statesOf(
  sharedSchema: string,
  tenants: readonly string[],
  history: ReadonlyMap<string, readonly HistoryRow[]>,
  selection: Selection,
  set: MigrationSet,
  target: RunTarget,
): SchemaState[] {
  // Going down, every applied migration is a candidate; `to` is applied by `workOf`.
  const to = target.direction === 'up' ? target.to : undefined;
  const stateOf = (schema: string, scope: Scope) =>
    schemaState(schema, scope, set[scope], history.get(schema) ?? [], to);
  return [
    ...(selection.shared ? [stateOf(sharedSchema, 'shared')] : []),
    ...(selection.tenants ? tenants : []).map((t) => stateOf(t, 'tenant')),
  ];
}

/** What `direction` does to a schema in `state`: pending migrations up, or applied ones down in reverse. */
export function workOf(state: SchemaState, target: RunTarget, set: MigrationSet): Migration[] {
  if (target.direction === 'up') return [...state.pending];
  const to = target.steps !== undefined ? stepsBack(set[state.scope], target.steps) : target.to;
  const after = (m: Migration) => to === undefined || compareVersions(m.version, to) > 0;
  // A schema inside a migration (some of its steps done) has that migration to undo first.
  const inside = state.inside && after(state.inside.migration) ? [state.inside.migration] : [];
  return [...inside, ...[...state.applied].reverse().filter(after)];
}

/**
 * `--steps K` counts back from the directory's latest migration of the scope, not from each
 * schema's own version: rerunning a rollback that was interrupted, or rolling back while a
 * tenant had failed the latest migration, never takes a schema further back than asked.
 */
export const stepsBack = (migrations: readonly Migration[], steps: number): string =>
  migrations[migrations.length - 1 - steps]?.version ?? '0';

/** What each schema would run, by migration id. */
export const planOf = (states: readonly SchemaState[], target: RunTarget, set: MigrationSet): PlannedSchema[] =>
  states.map((s) => ({ schema: s.schema, scope: s.scope, migrations: workOf(s, target, set).map((m) => m.id) }));

/** An applied migration whose file changed stops the run before it touches anything (more). */
export function refuseEdited(states: readonly SchemaState[]): void {
  const edited = states.flatMap((s) => s.edited);
  if (edited.length > 0) {
    throw new PgfleetError('input', `${edited.length} applied migration(s) changed since they ran; nothing was run`, {
      diagnostics: edited.map((message) => ({ file: message.split(' ')[0], line: 1, col: 1, pointer: '', message })),
      hint: 'restore the files as they were when applied (git log -p generated/); put new changes in a new migration with `pgfleet generate`',
    });
  }
}

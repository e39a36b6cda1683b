import type { Change } from '../model/changes.js';
import { type ObjectKind, touchedObject } from '../model/touched-object.js';
import type { Scope } from '../model/types.js';
import type { Plan, PlanStep, Statement } from '../plan/types.js';
import {
  type Migration,
  type MigrationDraft,
  migrationName,
  nextVersion,
  renderStatements,
  stepMarker,
} from './index.js';

/** Comment lines written above statements: hazards above up statements, caveats above the down ones. */
function notesOf(plan: Plan): Map<Statement, string[]> {
  const notes = new Map<Statement, string[]>();
  for (const step of plan.steps.up) {
    for (const st of step.statements) {
      if (st.hazards && st.hazards.length > 0)
        notes.set(
          st,
          st.hazards.map((h) => `hazard ${h.kind}: ${h.message}`),
        );
    }
  }
  for (const c of plan.changes) {
    if (c.downCaveat && c.down.length > 0) notes.set(c.down[0], [`not exact: ${c.downCaveat}`]);
  }
  return notes;
}

/** A section: one step as plain statements, or each step under its `-- +step` line. */
function sectionText(steps: readonly PlanStep[], notes: Map<Statement, string[]>, marked: boolean): string {
  const body = (statements: readonly Statement[]) =>
    renderStatements(
      statements,
      statements.map((st) => notes.get(st)),
    );
  if (!marked) return steps.map((s) => body(s.statements)).join('\n');
  return steps.map((s) => `${stepMarker(s.transactional, s.undoes)}\n${body(s.statements)}`.trim()).join('\n\n');
}

/** The sections of a migration from a plan: hazards above the up statements, caveats above the down ones. */
function sections(plan: Plan): Pick<MigrationDraft, 'up' | 'down' | 'hazards' | 'transactional'> {
  const { up, down } = plan.steps;
  const notes = notesOf(plan);
  // One step each way, of the same mode: the file as before steps (`-- transaction:` says the mode).
  const single =
    up.length <= 1 &&
    down.length <= 1 &&
    (down.length === 0 || up.length === 0 || up[0].transactional === down[0].transactional);
  const hazards = [
    ...new Set([
      ...plan.changes.flatMap((s) => s.hazards.map((h) => h.message)),
      ...plan.changes.flatMap((s) => (s.downCaveat ? [`down is not exact: ${s.downCaveat}`] : [])),
    ]),
  ];
  return {
    up: sectionText(up, notes, !single),
    down: sectionText(down, notes, !single),
    hazards,
    transactional: single ? ((up[0] ?? down[0])?.transactional ?? true) : false,
  };
}

const isInitial = (existing: readonly Migration[], changes: readonly Change[]) =>
  existing.length === 0 && changes.every((c) => c.kind.startsWith('create_') || c.kind === 'add_constraint');

/** Parts of a table whose name the summary gives after the table's (`add column t.c`); the others name the table only. */
const NAMED_PARTS: ReadonlySet<ObjectKind> = new Set([
  'column',
  'index',
  'unique constraint',
  'check constraint',
  'foreign key',
]);

/** One line a human reads in `generate`'s output, e.g. `add column services_service.capacity`. */
export function describeChange(c: Change): string {
  const what = c.kind.replaceAll('_', ' ');
  switch (c.kind) {
    case 'rename_table':
      return `${what} ${c.from} → ${c.to}`;
    case 'rename_column':
    case 'rename_constraint':
    case 'rename_index':
    case 'set_partition_bound':
      return `${what} ${c.table}: ${c.from} → ${c.to}`;
    case 'set_table_comment':
      if (typeof c.from === 'string') return `${what} ${c.table}: ${c.from} → ${c.to}`;
      break;
    case 'set_enum_comment':
      if (typeof c.from === 'string') return `${what} ${c.from} → ${c.to}`;
      break;
    case 'set_comment':
      return typeof c.from === 'string' ? `${what} ${c.from} → ${c.to}` : what;
    case 'set_text_object_comment':
      return `${what} ${c.target.kind} ${c.target.name}`;
    case 'create_domain':
    case 'drop_domain':
    case 'create_function':
    case 'drop_function':
    case 'create_view':
    case 'drop_view':
    case 'create_type':
    case 'drop_type':
    case 'grant':
    case 'revoke':
      return what;
  }
  const o = touchedObject(c);
  if (o.table === null) return `${what} ${o.name}`;
  return NAMED_PARTS.has(o.kind) && o.name ? `${what} ${o.table}.${o.name}` : `${what} ${o.table}`;
}

/** A user's --name as a file name part: lower case, [a-z0-9_]. */
export const cleanName = (name: string): string =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 50) || 'migration';

/**
 * The next migration of a scope for `plan`: one migration whose steps are the plan's (a
 * run of statements that share a transaction, a VALIDATE, each statement Postgres refuses
 * in a transaction: CREATE INDEX CONCURRENTLY, ALTER TYPE ... ADD VALUE before its first
 * use). A plan of one step gives a file without step lines, as before steps.
 */
export function draftsFor(
  scope: Scope,
  plan: Plan,
  existing: readonly Migration[],
  options: { name?: string; requires: MigrationDraft['requires']; online?: boolean },
): Array<{ draft: MigrationDraft; summary: string[] }> {
  const changes = plan.changes.map((c) => c.change);
  const name = options.name
    ? cleanName(options.name)
    : isInitial(existing, changes)
      ? 'initial'
      : migrationName(changes);
  // SQL that only newer servers know (planned so because the dev database is one) is
  // marked with the major it needs, which `migrate` checks before running anything.
  const since = [...plan.up, ...plan.down].flatMap((st) => (st.since === undefined ? [] : [st.since]));
  const draft: MigrationDraft = {
    scope,
    version: nextVersion(existing),
    name,
    requires: options.requires,
    ...sections(plan),
    ...(since.length > 0 ? { postgres: Math.max(...since) } : {}),
    ...(options.online === false ? { online: false } : {}),
  };
  return [{ draft, summary: changes.map(describeChange) }];
}

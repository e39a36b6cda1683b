import {
  type Migration,
  type MigrationDraft,
  migrationName,
  nextVersion,
  renderStatements,
} from '../migrations/index.js';
import type { Change } from '../model/changes.js';
import type { Scope } from '../model/types.js';
import type { Plan, PlannedChange } from '../plan/types.js';

/** The sections of a migration from planned changes: hazards above the up statements, caveats above the down ones. */
function sections(steps: readonly PlannedChange[]): Pick<MigrationDraft, 'up' | 'down' | 'hazards'> {
  const up = steps.flatMap((s) =>
    s.up.map((st, i) => ({ st, notes: i === 0 ? s.hazards.map((h) => `hazard ${h.kind}: ${h.message}`) : [] })),
  );
  const reversed = [...steps].reverse();
  const down = reversed.flatMap((s) =>
    s.down.map((st, i) => ({ st, notes: i === 0 && s.downCaveat ? [`not exact: ${s.downCaveat}`] : [] })),
  );
  const hazards = [
    ...new Set([
      ...steps.flatMap((s) => s.hazards.map((h) => h.message)),
      ...steps.flatMap((s) => (s.downCaveat ? [`down is not exact: ${s.downCaveat}`] : [])),
    ]),
  ];
  return {
    up: renderStatements(
      up.map((x) => x.st),
      up.map((x) => x.notes),
    ),
    down: renderStatements(
      down.map((x) => x.st),
      down.map((x) => x.notes),
    ),
    hazards,
  };
}

const isInitial = (existing: readonly Migration[], changes: readonly Change[]) =>
  existing.length === 0 && changes.every((c) => c.kind.startsWith('create_') || c.kind === 'add_constraint');

/** One line a human reads in `generate`'s output, e.g. `add column services_service.capacity`. */
export function describeChange(c: Change): string {
  const what = c.kind.replaceAll('_', ' ');
  if ('from' in c && typeof c.from === 'string') {
    return `${what} ${'table' in c ? `${c.table}: ` : ''}${c.from} → ${c.to}`;
  }
  if ('table' in c) {
    if (typeof c.table !== 'string') return `${what} ${c.table.name}`;
    const item =
      'column' in c
        ? c.column.name
        : 'index' in c
          ? c.index.name
          : 'constraint' in c
            ? c.constraint.name
            : c.kind === 'alter_column'
              ? c.to.name
              : null;
    return `${what} ${c.table}${item ? `.${item}` : ''}`;
  }
  switch (c.kind) {
    case 'create_extension':
    case 'drop_extension':
      return `${what} ${c.extension.name}`;
    case 'create_enum':
    case 'drop_enum':
      return `${what} ${c.enum.name}`;
    case 'create_sequence':
    case 'drop_sequence':
      return `${what} ${c.sequence.name}`;
    case 'set_enum_comment':
      return `${what} ${c.name}`;
    default:
      return `${what} ${'to' in c && typeof c.to === 'object' && c.to && 'name' in c.to ? c.to.name : ''}`.trim();
  }
}

/** A user's --name as a file name part: lower case, [a-z0-9_]. */
export const cleanName = (name: string): string =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 50) || 'migration';

/**
 * The next migration(s) of a scope for `plan`. Statements that cannot run in a transaction
 * (concurrent index builds) go to a second migration of their own, after the first.
 */
export function draftsFor(
  scope: Scope,
  plan: Plan,
  existing: readonly Migration[],
  options: { name?: string; requires: MigrationDraft['requires'] },
): Array<{ draft: MigrationDraft; summary: string[] }> {
  const inTransaction = plan.changes.filter((c) => c.up.every((s) => s.transactional));
  const outside = plan.changes.filter((c) => !c.up.every((s) => s.transactional));
  const nameOf = (steps: readonly PlannedChange[]) => {
    const changes = steps.map((c) => c.change);
    return isInitial(existing, changes) ? 'initial' : migrationName(changes);
  };
  const drafts: Array<{ draft: MigrationDraft; summary: string[] }> = [];
  const add = (steps: readonly PlannedChange[], name: string, transactional: boolean) => {
    const version = nextVersion([...existing, ...drafts.map((d) => d.draft)]);
    const draft = { scope, version, name, requires: options.requires, transactional, ...sections(steps) };
    drafts.push({ draft, summary: steps.map((s) => describeChange(s.change)) });
  };
  const given = options.name ? cleanName(options.name) : null;
  if (inTransaction.length > 0) add(inTransaction, given ?? nameOf(inTransaction), true);
  if (outside.length > 0) {
    const name = given ? `${given.slice(0, 36).replace(/_+$/, '')}_concurrently` : nameOf(outside);
    add(outside, name, false);
  }
  return drafts;
}

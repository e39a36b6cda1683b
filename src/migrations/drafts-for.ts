import type { Change } from '../model/changes.js';
import type { Scope } from '../model/types.js';
import type { Plan, PlannedChange } from '../plan/types.js';
import { type Migration, type MigrationDraft, migrationName, nextVersion, renderStatements } from './index.js';

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

const transactional = (c: PlannedChange) => c.up.every((s) => s.transactional);
// A concurrent index build has nothing after it that needs it, so it can wait for the end
// and the rest stays in one transaction.
const concurrentBuild = (c: PlannedChange) => c.change.kind === 'create_index' && c.change.index.concurrently === true;

/**
 * The next migration(s) of a scope for `plan`, in plan order: each run of statements that
 * can share a transaction is one migration, each run of those that cannot (ALTER TYPE ...
 * ADD VALUE before its first use, CREATE INDEX CONCURRENTLY, moved last) another.
 */
export function draftsFor(
  scope: Scope,
  plan: Plan,
  existing: readonly Migration[],
  options: { name?: string; requires: MigrationDraft['requires'] },
): Array<{ draft: MigrationDraft; summary: string[] }> {
  const ordered = [...plan.changes.filter((c) => !concurrentBuild(c)), ...plan.changes.filter(concurrentBuild)];
  const runs: PlannedChange[][] = [];
  for (const c of ordered) {
    const last = runs.at(-1);
    if (last && transactional(last[0]) === transactional(c)) last.push(c);
    else runs.push([c]);
  }
  const given = options.name ? cleanName(options.name) : null;
  const drafts: Array<{ draft: MigrationDraft; summary: string[] }> = [];
  runs.forEach((steps, i) => {
    const changes = steps.map((c) => c.change);
    const derived = isInitial(existing, changes) ? 'initial' : migrationName(changes);
    const suffix = transactional(steps[0]) ? `_${i + 1}` : '_concurrently';
    const name =
      given === null
        ? i > 0 && derived === drafts[0]?.draft.name
          ? `${derived.slice(0, 40)}${suffix}`
          : derived
        : i === 0
          ? given
          : `${given.slice(0, 36).replace(/_+$/, '')}${suffix}`;
    const version = nextVersion([...existing, ...drafts.map((d) => d.draft)]);
    // SQL that only newer servers know (planned so because the dev database is one) is
    // marked with the major it needs, which `migrate` checks before running anything.
    const since = steps
      .flatMap((s) => [...s.up, ...s.down])
      .flatMap((st) => (st.since === undefined ? [] : [st.since]));
    const draft = {
      scope,
      version,
      name,
      requires: options.requires,
      transactional: transactional(steps[0]),
      ...sections(steps),
      ...(since.length > 0 ? { postgres: Math.max(...since) } : {}),
    };
    drafts.push({ draft, summary: steps.map((s) => describeChange(s.change)) });
  });
  return drafts;
}

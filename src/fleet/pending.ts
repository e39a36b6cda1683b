import { compareVersions, type Migration } from '../migrations/index.js';
import { idOf } from '../migrations/migration-id.js';
import type { Scope } from '../model/types.js';
import type { HistoryRow } from './history.js';

/** Where one schema stands against the migration directory, from its history rows alone. */
export interface SchemaState {
  readonly schema: string;
  readonly scope: Scope;
  /** Directory migrations this schema has, directly or through the migrations a squash replaced. */
  readonly applied: readonly Migration[];
  /** Directory migrations it lacks, in order (up to `to` when given). */
  readonly pending: readonly Migration[];
  /** The last failed attempt, if the schema has one that was not applied since. */
  readonly failed: HistoryRow | null;
  /** Applied migrations whose file is no longer in the directory. */
  readonly unknown: readonly HistoryRow[];
  /** Applied migrations whose file changed since: history keeps the checksum of what ran. */
  readonly edited: readonly string[];
  /** Other reasons nothing may run on this schema (a half-applied squash). */
  readonly problems: readonly string[];
  /**
   * The migration this schema is inside: some of its steps done (the ledger's progress
   * row), the rest to run. `migrate` resumes at the next step; `rollback` undoes the done ones.
   */
  readonly inside: StepProgress | null;
}

/** How far a schema got into a migration of several steps. */
export interface StepProgress {
  readonly migration: Migration;
  readonly stepsDone: number;
}

// The same for every schema of a scope: made once per migration list, not once per schema.
const knownCache = new WeakMap<readonly Migration[], ReadonlySet<string>>();
function knownIds(migrations: readonly Migration[]): ReadonlySet<string> {
  let known = knownCache.get(migrations);
  if (!known) {
    known = new Set(migrations.flatMap((m) => [m.id, ...m.replaces]));
    knownCache.set(migrations, known);
  }
  return known;
}

/**
 * Compare a schema's history with the migrations of its scope. An applied migration whose
 * file changed is a problem (history keeps the checksum of what ran).
 */
export function schemaState(
  schema: string,
  scope: Scope,
  migrations: readonly Migration[],
  rows: readonly HistoryRow[],
  to?: string,
): SchemaState {
  const applied = new Map(rows.filter((r) => r.status === 'applied').map((r) => [idOf(r), r]));
  const known = knownIds(migrations);
  const done: Migration[] = [];
  const pending: Migration[] = [];
  const problems: string[] = [];
  const edited: string[] = [];
  for (const m of migrations) {
    const row = applied.get(m.id);
    if (row) {
      if (row.checksum !== m.checksum) {
        edited.push(
          `${m.path} changed after it was applied to "${schema}": history has checksum ${row.checksum}, the file has ${m.checksum}`,
        );
      }
      done.push(m);
      continue;
    }
    const replaced = m.replaces.filter((id) => applied.has(id));
    if (m.replaces.length > 0 && replaced.length === m.replaces.length) {
      done.push(m);
    } else if (replaced.length > 0) {
      problems.push(
        `"${schema}" applied ${replaced.length} of the ${m.replaces.length} migrations that ${m.path} replaces; migrate it with the directory from before the squash first`,
      );
    } else if (to === undefined || compareVersions(m.version, to) <= 0) {
      pending.push(m);
    }
  }
  const failedRows = rows.filter((r) => r.status === 'failed' && !applied.has(idOf(r)));
  let inside: StepProgress | null = null;
  for (const r of rows) {
    if (r.status !== 'partial' || applied.has(idOf(r))) continue;
    const m = migrations.find((x) => x.id === idOf(r));
    if (!m) {
      problems.push(`"${schema}" is inside migration ${idOf(r)}, whose file is no longer in the directory`);
    } else if (m.checksum !== r.checksum) {
      edited.push(
        `${m.path} changed while "${schema}" is inside it (${r.stepsDone} step(s) done): history has checksum ${r.checksum}, the file has ${m.checksum}`,
      );
    } else {
      inside = { migration: m, stepsDone: r.stepsDone ?? 0 };
    }
  }
  return {
    schema,
    scope,
    applied: done,
    pending,
    failed: failedRows.at(-1) ?? null,
    unknown: [...applied.values()].filter((r) => !known.has(idOf(r))),
    edited,
    problems,
    inside,
  };
}

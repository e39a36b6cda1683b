import type { Change } from '../model/changes.js';
import { stableKey } from '../model/compare.js';
import { readsColumn } from '../model/mentions.js';
import type { Column, Index, Table, TableConstraint } from '../model/types.js';
import { recreatesColumn } from '../plan/server-features.js';
import { matchByName, pairRenamed } from './match.js';
import type { DiffOptions } from './options.js';
import { renameInSql } from './rename-in-sql.js';

const named = <T extends { name: string | null }>(items: readonly T[]) => items as readonly (T & { name: string })[];

/** A column's definition as stored, without hints. */
const columnDefinition = ({ hints: _h, name: _n, ...rest }: Column) => rest;
const constraintDefinition = ({ name: _n, ...rest }: TableConstraint) => rest;
const indexDefinition = ({ name: _n, concurrently: _c, ...rest }: Index) => rest;

/** Rewrite column names in a from-side table so constraints compare after a column rename. */
function renameColumns(table: Table, renames: ReadonlyMap<string, string>): Table {
  if (renames.size === 0) return table;
  const r = (c: string) => renames.get(c) ?? c;
  const sql = (text: string | null) => text && renameInSql(text, renames);
  return {
    ...table,
    columns: table.columns.map((c) => ({ ...c, name: r(c.name), generated: sql(c.generated) })),
    primaryKey: table.primaryKey && { ...table.primaryKey, columns: table.primaryKey.columns.map(r) },
    uniques: table.uniques.map((u) => ({ ...u, columns: u.columns.map(r) })),
    checks: table.checks.map((c) => ({ ...c, expression: renameInSql(c.expression, renames) })),
    foreignKeys: table.foreignKeys.map((f) => ({ ...f, columns: f.columns.map(r) })),
    indexes: table.indexes.map((i) => ({
      ...i,
      elements: i.elements.map((e) => ({
        ...e,
        column: e.column === null ? null : r(e.column),
        expression: sql(e.expression),
      })),
      include: i.include.map(r),
      where: sql(i.where),
    })),
  };
}

function diffColumns(
  from: Table,
  to: Table,
  { serverMajor }: DiffOptions,
): { changes: Change[]; renames: Map<string, string>; rebuilt: Set<string> } {
  const changes: Change[] = [];
  const m = matchByName(from.columns, to.columns, (c) => c.hints?.renamedFrom);
  const renames = new Map<string, string>();
  const rebuilt = new Set<string>();
  for (const [old, now] of m.renames) {
    changes.push({ kind: 'rename_column', table: to.name, from: old.name, to: now.name });
    renames.set(old.name, now.name);
  }
  const kept = [...m.pairs, ...m.renames].map(([{ hints: _h, ...old }, now]) => {
    // A generation expression follows the renames of the columns it reads. (Hints such as
    // `using` belong to the model being migrated to, never to the one migrated from.)
    const generated = old.generated && renameInSql(old.generated, renames);
    return [{ ...old, name: now.name, generated }, now] as const;
  });
  // Postgres cannot change the type of a column that a generated column reads: such a
  // generated column becomes plain first (DROP EXPRESSION) and generated again after.
  const retyped = kept.filter(([a, b]) => a.type !== b.type || a.collation !== b.collation).map(([, b]) => b.name);
  const first: Change[] = [];
  const last: Change[] = [];
  for (const [before, now] of kept) {
    const reads =
      before.generated !== null && now.generated !== null && retyped.some((c) => readsColumn(before.generated, c));
    if (reads) {
      const plain = { ...before, generated: null };
      first.push({ kind: 'alter_column', table: to.name, from: before, to: plain });
      last.push({ kind: 'alter_column', table: to.name, from: plain, to: now });
      rebuilt.add(now.name);
      continue;
    }
    if (stableKey(columnDefinition(before)) === stableKey(columnDefinition(now))) continue;
    // A column that the planner drops and re-adds, one way or the other (the down section
    // reverses DROP EXPRESSION so), takes its indexes and constraints with it; they are
    // rebuilt around the change.
    if (recreatesColumn(before, now, serverMajor) || recreatesColumn(now, before, serverMajor)) rebuilt.add(now.name);
    changes.push({ kind: 'alter_column', table: to.name, from: before, to: now });
  }
  changes.splice(renames.size, 0, ...first);
  changes.push(...last);
  // A generated column needs the columns it reads: it is added after them and dropped
  // before them (and the down section, reversed, re-adds it last).
  const generatedLast = (a: Column, b: Column) => Number(a.generated !== null) - Number(b.generated !== null);
  for (const c of [...m.added].sort(generatedLast)) changes.push({ kind: 'add_column', table: to.name, column: c });
  for (const c of [...m.removed].sort(generatedLast).reverse()) {
    // It comes back in the down section while the renames still hold.
    const generated = c.generated && renameInSql(c.generated, renames);
    changes.push({ kind: 'drop_column', table: to.name, column: { ...c, generated } });
  }
  return { changes, renames, rebuilt };
}

/** True when a constraint or index depends on one of `columns`. */
function dependsOn(item: TableConstraint | Index, columns: ReadonlySet<string>): boolean {
  if (columns.size === 0) return false;
  const any = (names: readonly (string | null)[]) => names.some((n) => n !== null && columns.has(n));
  const text = (t: string | null) => [...columns].some((c) => readsColumn(t, c));
  switch (item.kind) {
    case 'unique':
    case 'foreignKey':
      return any(item.columns);
    case 'check':
      return text(item.expression);
    case 'index':
      return (
        any(item.elements.map((e) => e.column)) ||
        any(item.include) ||
        item.elements.some((e) => text(e.expression)) ||
        text(item.where)
      );
  }
}

function diffNamed<T extends { name: string | null }>(
  from: readonly T[],
  to: readonly T[],
  definition: (item: T) => unknown,
  make: {
    add: (item: T) => Change;
    drop: (item: T) => Change;
    rename: (from: string, to: string) => Change;
  },
  rebuild: (item: T) => boolean,
): Change[] {
  const m = matchByName(named(from), named(to));
  const changed = m.pairs.filter(([a, b]) => rebuild(b) || stableKey(definition(a)) !== stableKey(definition(b)));
  const p = pairRenamed(m.removed, m.added, definition);
  return [
    ...p.renamed.map(([a, b]) => make.rename(a.name, b.name)),
    ...[...p.removed, ...changed.map(([a]) => a)].map(make.drop),
    ...[...p.added, ...changed.map(([, b]) => b)].map(make.add),
  ];
}

/** Changes that turn table `from` into table `to` (same table, possibly renamed already). */
export function diffTable(fromTable: Table, to: Table, options: DiffOptions): Change[] {
  const { changes, renames, rebuilt } = diffColumns(fromTable, to, options);
  const rebuild = (item: TableConstraint | Index) => dependsOn(item, rebuilt);
  const from = renameColumns(fromTable, renames);
  const t = to.name;

  const fromPk = from.primaryKey;
  const toPk = to.primaryKey;
  const pkRebuilt = toPk?.columns.some((c) => rebuilt.has(c)) ?? false;
  if (fromPk && toPk && stableKey(fromPk.columns) === stableKey(toPk.columns) && !pkRebuilt) {
    if (fromPk.name !== toPk.name && fromPk.name && toPk.name) {
      changes.push({ kind: 'rename_constraint', table: t, from: fromPk.name, to: toPk.name });
    }
  } else {
    if (fromPk) changes.push({ kind: 'drop_primary_key', table: t, primaryKey: fromPk });
    if (toPk) changes.push({ kind: 'add_primary_key', table: t, primaryKey: toPk });
  }

  const constraint = {
    add: (c: TableConstraint): Change => ({ kind: 'add_constraint', table: t, constraint: c }),
    drop: (c: TableConstraint): Change => ({ kind: 'drop_constraint', table: t, constraint: c }),
    rename: (a: string, b: string): Change => ({ kind: 'rename_constraint', table: t, from: a, to: b }),
  };
  changes.push(...diffNamed(from.uniques, to.uniques, constraintDefinition, constraint, rebuild));
  changes.push(...diffNamed(from.checks, to.checks, constraintDefinition, constraint, rebuild));
  changes.push(...diffNamed(from.foreignKeys, to.foreignKeys, constraintDefinition, constraint, rebuild));
  changes.push(
    ...diffNamed(
      from.indexes,
      to.indexes,
      indexDefinition,
      {
        add: (i) => ({ kind: 'create_index', table: t, index: i }),
        drop: (i) => ({ kind: 'drop_index', table: t, index: i }),
        rename: (a, b) => ({ kind: 'rename_index', table: t, from: a, to: b }),
      },
      rebuild,
    ),
  );
  if (from.comment !== to.comment) {
    changes.push({ kind: 'set_table_comment', table: t, from: from.comment, to: to.comment });
  }
  return changes;
}

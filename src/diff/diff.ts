import type { Change } from '../model/changes.js';
import { stableKey } from '../model/compare.js';
import type { Model, Sequence, Table } from '../model/types.js';
import { diffEnum } from './diff-enums.js';
import {
  diffDomains,
  diffExclusions,
  diffFunctions,
  diffGrants,
  diffPolicies,
  diffTriggers,
  diffTypes,
  diffViews,
} from './diff-objects.js';
import { diffTable } from './diff-table.js';
import { diffTextObjects } from './diff-text-objects.js';
import { matchByName } from './match.js';
import { type DiffOptions, LATEST } from './options.js';
import { applyRenames, followTarget, renamesOf } from './renames.js';

/**
 * What turns the schema `from` into the schema `to`, as a list of changes in no particular
 * order (the planner orders them). Both models should be canonical: inspected from
 * Postgres, the desired one after a round trip through a scratch schema, carrying its hints.
 *
 * @example
 * const changes = diff(await inspectSchema(client, 'tenant_acme', opts), desired.tenant, { serverMajor: 16 });
 */
export function diff(from: Model, to: Model, options: DiffOptions = LATEST): Change[] {
  const changes: Change[] = [];
  const renames = renamesOf(from, to);

  const ext = matchByName(from.extensions, to.extensions);
  for (const e of ext.added) changes.push({ kind: 'create_extension', extension: e });
  for (const e of ext.removed) changes.push({ kind: 'drop_extension', extension: e });

  const enums = matchByName(from.enums, to.enums);
  for (const e of enums.added) changes.push({ kind: 'create_enum', enum: e });
  for (const e of enums.removed) changes.push({ kind: 'drop_enum', enum: e });
  const renamed = applyRenames(from, renames);
  for (const [a, b] of enums.pairs) changes.push(...diffEnum(a, b, to, renamed));

  const seqs = matchByName(from.sequences, to.sequences);
  const onSequence = (s: Sequence) => ({ kind: 'sequence' as const, name: s.name });
  // A sequence's grants are GRANT/REVOKE changes of their own, never part of CREATE or ALTER SEQUENCE.
  const withoutGrants = (s: Sequence): Sequence => ({ ...s, grants: [] });
  for (const s of seqs.added) {
    changes.push({ kind: 'create_sequence', sequence: withoutGrants(s) });
    changes.push(...diffGrants(onSequence(s), s.name, [], s.grants));
  }
  for (const s of seqs.removed) {
    changes.push(...diffGrants(onSequence(s), s.name, s.grants, []));
    changes.push({ kind: 'drop_sequence', sequence: withoutGrants(s) });
  }
  for (const [a, b] of seqs.pairs) {
    if (stableKey(withoutGrants(a)) !== stableKey(withoutGrants(b)))
      changes.push({ kind: 'alter_sequence', from: withoutGrants(a), to: withoutGrants(b) });
    changes.push(...diffGrants(onSequence(b), a.name, a.grants, b.grants));
  }

  const tables = matchByName(from.tables, to.tables, (t) => t.hints?.renamedFrom);
  const targets = (t: Table): Table => ({ ...t, foreignKeys: t.foreignKeys.map((fk) => followTarget(fk, renames)) });
  for (const t of tables.added) changes.push(...createTable(t));
  // A dropped table comes back in the down section while the renames still hold.
  for (const t of tables.removed) changes.push(...dropTable(targets(t)));
  for (const [a, b] of tables.renames) {
    changes.push({ kind: 'rename_table', from: a.name, to: b.name });
    changes.push(...diffTable(targets({ ...a, name: b.name }), b, options));
  }
  for (const [a, b] of tables.pairs) {
    // A table partitioned otherwise, or a partition of another parent, is made again.
    if (a.partitionBy !== b.partitionBy || a.partitionOf?.parent !== b.partitionOf?.parent) {
      changes.push(...dropTable(targets(a)), ...createTable(b));
      continue;
    }
    if (a.partitionOf && b.partitionOf && a.partitionOf.bound !== b.partitionOf.bound) {
      changes.push({
        kind: 'set_partition_bound',
        table: b.name,
        parent: b.partitionOf.parent,
        from: a.partitionOf.bound,
        to: b.partitionOf.bound,
      });
    }
    // A partition's columns are its parent's: what changes there reaches it.
    changes.push(...diffTable(targets(a), b.partitionOf ? { ...b, columns: a.columns } : b, options));
  }
  changes.push(...releaseForeignKeys(changes, to));

  changes.push(...diffDomains(from, to));
  changes.push(...diffTypes(from, to));
  changes.push(...diffTextObjects(from, to, changes));
  const routines = diffFunctions(from, to);
  changes.push(...routines.changes);
  for (const [a, b] of [...tables.pairs, ...tables.renames]) {
    changes.push(...diffTriggers(b.name, a.name, a.triggers, b.triggers));
    changes.push(...diffExclusions(b.name, a.name, a.exclusions, b.exclusions));
    changes.push(...diffPolicies(b.name, a.name, a, b));
    changes.push(...diffGrants({ kind: 'table', name: b.name }, a.name, a.grants, b.grants));
  }
  changes.push(...diffViews(from, to, changes, routines.recreated, renames, options));
  return changes;
}

/** A key (primary key, unique constraint or plain unique index) that `change` drops, or null. */
function droppedKey(change: Change): { table: string; columns: readonly string[] } | null {
  if (change.kind === 'drop_primary_key') return { table: change.table, columns: change.primaryKey.columns };
  if (change.kind === 'drop_constraint' && change.constraint.kind === 'unique') {
    return { table: change.table, columns: change.constraint.columns };
  }
  if (change.kind === 'drop_index' && change.index.unique && change.index.where === null) {
    const columns = change.index.elements.map((e) => e.column);
    if (columns.every((c) => c !== null)) return { table: change.table, columns: columns as string[] };
  }
  return null;
}

/**
 * Postgres ties a foreign key to the unique index of the key it references, and refuses to
 * drop that key while the foreign key exists ("other objects depend on it"). A foreign key
 * that stays while a key on its target columns is dropped or rebuilt is dropped before and
 * added back after (the planner's phases put FK drops first and FK adds last).
 */
function releaseForeignKeys(changes: readonly Change[], to: Model): Change[] {
  const dropped = changes.flatMap((c) => droppedKey(c) ?? []);
  if (dropped.length === 0) return [];
  const key = (table: string, name: string | null) => `${table}\u0000${name}`;
  const touched = new Set(
    changes.flatMap((c) =>
      c.kind === 'add_constraint' || c.kind === 'drop_constraint' ? [key(c.table, c.constraint.name)] : [],
    ),
  );
  const sameSet = (a: readonly string[], b: readonly string[]) =>
    a.length === b.length && a.every((c) => b.includes(c));
  const released: Change[] = [];
  for (const t of to.tables) {
    for (const fk of t.foreignKeys) {
      if (touched.has(key(t.name, fk.name))) continue;
      if (!dropped.some((k) => k.table === fk.refTable && sameSet(k.columns, fk.refColumns))) continue;
      released.push({ kind: 'drop_constraint', table: t.name, constraint: fk });
      released.push({ kind: 'add_constraint', table: t.name, constraint: fk });
    }
  }
  return released;
}

/** A new table, then its indexes and foreign keys as their own changes (FKs need their targets first). */
function createTable(table: Table): Change[] {
  return [
    { kind: 'create_table', table: { ...table, foreignKeys: [], indexes: [], triggers: [], exclusions: [] } },
    ...table.exclusions.map((exclusion): Change => ({ kind: 'add_exclusion', table: table.name, exclusion })),
    ...diffPolicies(
      table.name,
      table.name,
      { ...table, policies: [], rowLevelSecurity: false, forceRowLevelSecurity: false },
      table,
    ),
    ...diffGrants({ kind: 'table', name: table.name }, table.name, [], table.grants),
    ...table.indexes.map((index): Change => ({ kind: 'create_index', table: table.name, index })),
    ...table.foreignKeys.map((fk): Change => ({ kind: 'add_constraint', table: table.name, constraint: fk })),
    ...table.triggers.map((trigger): Change => ({ kind: 'create_trigger', table: table.name, trigger })),
  ];
}

/**
 * A dropped table's FKs are dropped first, so that tables referencing each other can go in
 * any order; its indexes go with it and come back with the reverse.
 */
function dropTable(table: Table): Change[] {
  return [
    ...table.foreignKeys.map((fk): Change => ({ kind: 'drop_constraint', table: table.name, constraint: fk })),
    ...table.indexes.map((index): Change => ({ kind: 'drop_index', table: table.name, index })),
    ...table.triggers.map((trigger): Change => ({ kind: 'drop_trigger', table: table.name, trigger })),
    ...table.exclusions.map((exclusion): Change => ({ kind: 'drop_exclusion', table: table.name, exclusion })),
    ...diffPolicies(table.name, table.name, table, {
      ...table,
      policies: [],
      rowLevelSecurity: false,
      forceRowLevelSecurity: false,
    }),
    ...diffGrants({ kind: 'table', name: table.name }, table.name, table.grants, []),
    { kind: 'drop_table', table: { ...table, foreignKeys: [], indexes: [], triggers: [], exclusions: [] } },
  ];
}

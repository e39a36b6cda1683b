import type { Change } from '../model/changes.js';
import { stableKey } from '../model/compare.js';
import type { Model, Table } from '../model/types.js';
import { diffEnum } from './diff-enums.js';
import { diffTable } from './diff-table.js';
import { matchByName } from './match.js';

/**
 * What turns the schema `from` into the schema `to`, as a list of changes in no particular
 * order (the planner orders them). Both models should be canonical: inspected from
 * Postgres, the desired one after a round trip through a scratch schema, carrying its hints.
 *
 * @example
 * const changes = diff(await inspectSchema(client, 'tenant_acme', opts), desired.tenant);
 */
export function diff(from: Model, to: Model): Change[] {
  const changes: Change[] = [];

  const ext = matchByName(from.extensions, to.extensions);
  for (const e of ext.added) changes.push({ kind: 'create_extension', extension: e });
  for (const e of ext.removed) changes.push({ kind: 'drop_extension', extension: e });

  const enums = matchByName(from.enums, to.enums);
  for (const e of enums.added) changes.push({ kind: 'create_enum', enum: e });
  for (const e of enums.removed) changes.push({ kind: 'drop_enum', enum: e });
  for (const [a, b] of enums.pairs) changes.push(...diffEnum(a, b, to));

  const seqs = matchByName(from.sequences, to.sequences);
  for (const s of seqs.added) changes.push({ kind: 'create_sequence', sequence: s });
  for (const s of seqs.removed) changes.push({ kind: 'drop_sequence', sequence: s });
  for (const [a, b] of seqs.pairs) {
    if (stableKey(a) !== stableKey(b)) changes.push({ kind: 'alter_sequence', from: a, to: b });
  }

  const tables = matchByName(from.tables, to.tables, (t) => t.hints?.renamedFrom);
  for (const t of tables.added) changes.push(...createTable(t));
  for (const t of tables.removed) changes.push(...dropTable(t));
  for (const [a, b] of tables.renames) {
    changes.push({ kind: 'rename_table', from: a.name, to: b.name });
    changes.push(...diffTable({ ...a, name: b.name }, b));
  }
  for (const [a, b] of tables.pairs) changes.push(...diffTable(a, b));
  return changes;
}

/** A new table, then its indexes and foreign keys as their own changes (FKs need their targets first). */
function createTable(table: Table): Change[] {
  return [
    { kind: 'create_table', table: { ...table, foreignKeys: [], indexes: [] } },
    ...table.indexes.map((index): Change => ({ kind: 'create_index', table: table.name, index })),
    ...table.foreignKeys.map((fk): Change => ({ kind: 'add_constraint', table: table.name, constraint: fk })),
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
    { kind: 'drop_table', table: { ...table, foreignKeys: [], indexes: [] } },
  ];
}

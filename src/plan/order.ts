import type { Change, ChangeKind } from '../model/changes.js';

/**
 * The dependency order of a migration, as phases. Renames come first so every later
 * statement uses the new names; dependents are dropped before what they depend on and
 * created after it (extensions and enums before columns, tables before the FKs and
 * indexes on them); columns are dropped before the enums they used are rebuilt.
 * The down section runs the reverses in exactly the opposite order, which is valid by
 * the same argument.
 */
const PHASE: Record<ChangeKind, number> = {
  rename_table: 0,
  rename_column: 1,
  rename_constraint: 2,
  rename_index: 2,
  drop_constraint: 3, // foreign keys are moved to 3 and others to 4 below
  drop_index: 5,
  drop_primary_key: 5,
  create_extension: 6,
  create_enum: 7,
  add_enum_values: 8,
  create_sequence: 9,
  alter_sequence: 9,
  create_table: 10,
  add_column: 11,
  alter_column: 12,
  drop_column: 13,
  drop_table: 14,
  recreate_enum: 15,
  drop_sequence: 16,
  drop_enum: 17,
  drop_extension: 18,
  add_primary_key: 19,
  add_constraint: 20, // foreign keys are moved to 22 below
  create_index: 21,
  set_table_comment: 23,
  set_enum_comment: 23,
  // Triggers and views go first, even before renames, and come back last: they read
  // tables, columns and routines that the changes in between may rename or alter, and in
  // the down section their old definitions (with the old names) come back only after the
  // renames are undone. Routines are created before the tables whose defaults and checks
  // may call them (bodies are not checked then), except those whose signature names a
  // table's row type (`late`), which need the table.
  drop_trigger: -2,
  drop_view: -1, // deeper views first, see phase()
  create_domain: 7.5,
  alter_domain: 8.5,
  create_function: 9.5, // late ones at 12.8, callers after callees, see phase()
  replace_function: 9.5,
  drop_function: 16.5, // late ones at 13.9
  drop_domain: 16.8,
  create_view: 22.5, // views they read first
  create_trigger: 22.8,
  set_comment: 23,
  set_partition_bound: 12.9,
  // Like triggers, exclusion constraints read columns by name: dropped before renames.
  drop_exclusion: -1.5,
  // Policies read columns by name too.
  drop_policy: -1.4,
  set_row_security: 19.5,
  create_policy: 22.9,
  // Grants name their table: revoked before renames, granted after everything exists.
  revoke: -1.3,
  grant: 23.5,
  add_exclusion: 20.5,
  create_type: 7.6,
  alter_type: 8.6,
  drop_type: 16.9,
  // Collations and text search objects: made before the columns, indexes and configurations
  // that use them (a configuration after its dictionaries), dropped after them and before
  // the extensions whose templates a dictionary may use. A recreated collation moves its
  // columns once they have their new types; a recreated dictionary its configurations
  // once they exist. Indexes that name a recreated object are dropped and created around it.
  create_collation: 6.2,
  create_ts_dictionary: 6.3,
  alter_ts_dictionary: 6.35,
  create_ts_configuration: 6.4,
  alter_ts_configuration: 6.45,
  recreate_ts_configuration: 6.46,
  recreate_ts_dictionary: 6.5,
  recreate_collation: 15.5,
  drop_ts_configuration: 17.2,
  drop_ts_dictionary: 17.3,
  drop_collation: 17.4,
  set_text_object_comment: 23,
};

function phase(c: Change): number {
  if (c.kind === 'drop_constraint') return c.constraint.kind === 'foreignKey' ? 3 : 4;
  // Postgres cannot change the type of a column that a generated column reads: generated
  // columns are dropped before the alterations and added after them.
  if (c.kind === 'drop_column' && c.column.generated !== null) return 11.5;
  if (c.kind === 'add_column' && c.column.generated !== null) return 12.5;
  if (c.kind === 'add_constraint') return c.constraint.kind === 'foreignKey' ? 22 : 20;
  // A depth below 1000 keeps each kind inside its own phase.
  // Partitions come after their parent and go before it.
  if (c.kind === 'create_table' && c.table.partitionOf) return 10.2;
  if (c.kind === 'drop_table' && c.table.partitionOf) return 13.8;
  if (c.kind === 'drop_view') return PHASE.drop_view - c.depth / 1000;
  if (c.kind === 'create_view') return PHASE.create_view + c.depth / 1000;
  if (c.kind === 'create_function') return (c.late ? 12.8 : PHASE.create_function) + c.depth / 1000;
  if (c.kind === 'drop_function') return (c.late ? 13.9 : PHASE.drop_function) - c.depth / 1000;
  if (c.kind === 'replace_function' && c.late) return 12.8;
  return PHASE[c.kind];
}

function subject(c: Change): string {
  if ('table' in c) return typeof c.table === 'string' ? c.table : c.table.name;
  switch (c.kind) {
    case 'create_extension':
    case 'drop_extension':
      return c.extension.name;
    case 'create_enum':
    case 'drop_enum':
      return c.enum.name;
    case 'create_sequence':
    case 'drop_sequence':
      return c.sequence.name;
    case 'set_enum_comment':
      return c.name;
    case 'create_domain':
    case 'drop_domain':
      return c.domain.name;
    case 'create_function':
    case 'drop_function':
      return c.routine.name;
    case 'create_view':
    case 'drop_view':
      return c.view.name;
    case 'set_comment':
      return c.target.name;
    case 'create_type':
    case 'drop_type':
      return c.type.name;
    case 'create_collation':
    case 'drop_collation':
      return c.collation.name;
    case 'create_ts_dictionary':
    case 'drop_ts_dictionary':
      return c.dictionary.name;
    case 'create_ts_configuration':
    case 'drop_ts_configuration':
      return c.configuration.name;
    case 'set_text_object_comment':
      return c.target.name;
    case 'grant':
    case 'revoke':
      return `${c.on.name}\0${c.role}`;
    default:
      return 'to' in c && typeof c.to === 'object' && c.to !== null && 'name' in c.to ? String(c.to.name) : '';
  }
}

/**
 * Changes sorted by phase, then by the object they concern; changes to one table keep the
 * order the diff gave them (columns in model order). Deterministic for equal input.
 */
export function orderChanges(changes: readonly Change[]): Change[] {
  return changes
    .map((change, i) => ({ change, i, phase: phase(change), subject: subject(change) }))
    .sort((a, b) => a.phase - b.phase || (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0) || a.i - b.i)
    .map((x) => x.change);
}

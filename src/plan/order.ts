import type { Change } from '../model/changes.js';
import { touchedObject } from '../model/touched-object.js';

/**
 * The dependency order of a migration, as named phases, first to last. Renames come first
 * so every later statement uses the new names; dependents are dropped before what they
 * depend on and created after it (extensions and enums before columns, tables before the
 * FKs and indexes on them); columns are dropped before the enums they used are rebuilt.
 * The down section runs the reverses in exactly the opposite order, which is valid by the
 * same argument. A new change kind gets a phase here (a new name between two others when
 * none fits) and a case in `phaseOf`.
 */
export const PHASES = [
  // Triggers, exclusion constraints, policies, grants and views read tables, columns and
  // routines by name that the changes in between may rename or alter: they go first, even
  // before renames, and come back last; in the down section their old definitions (with
  // the old names) come back only after the renames are undone.
  'drop_triggers',
  'drop_exclusions',
  'drop_policies',
  'revoke_grants',
  'drop_views', // deeper views first
  'rename_tables',
  'rename_columns',
  'rename_constraints_and_indexes',
  'drop_foreign_keys',
  'drop_other_constraints',
  'drop_indexes_and_primary_keys',
  'create_extensions',
  // Collations and text search objects: made before the columns, indexes and configurations
  // that use them (a configuration after its dictionaries), dropped after them and before
  // the extensions whose templates a dictionary may use. A recreated dictionary moves its
  // configurations once they exist; a recreated collation its columns once they have their
  // new types. Indexes that name a recreated object are dropped and created around it.
  'create_collations',
  'text_search_dictionaries',
  'text_search_configurations',
  'recreate_text_search_dictionaries',
  'create_enums',
  'create_domains',
  'create_types',
  'add_enum_values',
  'alter_domains',
  'alter_types',
  'sequences',
  // Routines are created before the tables whose defaults and checks may call them (bodies
  // are not checked then), callees before callers.
  'create_functions',
  'create_tables',
  'create_partitions', // after their parent
  'add_columns',
  // Postgres cannot change the type of a column that a generated column reads: generated
  // columns are dropped before the alterations and added after them.
  'drop_generated_columns',
  'alter_columns',
  'add_generated_columns',
  // Routines whose signature names a table's row type need the table.
  'create_late_functions',
  'set_partition_bounds',
  'drop_columns',
  'drop_partitions', // before their parent
  'drop_late_functions',
  'drop_tables',
  'recreate_enums',
  'recreate_collations',
  'drop_sequences',
  'drop_functions', // callers before callees
  'drop_domains',
  'drop_types',
  'drop_enums',
  'drop_text_search_configurations',
  'drop_text_search_dictionaries',
  'drop_collations',
  'drop_extensions',
  'add_primary_keys',
  'set_row_security',
  'add_other_constraints',
  'add_exclusions',
  'create_indexes',
  'add_foreign_keys',
  'create_views', // the views they read first
  'create_triggers',
  'create_policies',
  'comments',
  'grants', // once everything they name exists
] as const;

export type Phase = (typeof PHASES)[number];

const RANK = new Map<Phase, number>(PHASES.map((p, i) => [p, i]));

/** The phase a change runs in. */
export function phaseOf(c: Change): Phase {
  switch (c.kind) {
    case 'drop_trigger':
      return 'drop_triggers';
    case 'drop_exclusion':
      return 'drop_exclusions';
    case 'drop_policy':
      return 'drop_policies';
    case 'revoke':
      return 'revoke_grants';
    case 'drop_view':
      return 'drop_views';
    case 'rename_table':
      return 'rename_tables';
    case 'rename_column':
      return 'rename_columns';
    case 'rename_constraint':
    case 'rename_index':
      return 'rename_constraints_and_indexes';
    case 'drop_constraint':
      return c.constraint.kind === 'foreignKey' ? 'drop_foreign_keys' : 'drop_other_constraints';
    case 'drop_index':
    case 'drop_primary_key':
      return 'drop_indexes_and_primary_keys';
    case 'create_extension':
      return 'create_extensions';
    case 'create_enum':
      return 'create_enums';
    case 'create_domain':
      return 'create_domains';
    case 'create_type':
      return 'create_types';
    case 'add_enum_values':
      return 'add_enum_values';
    case 'alter_domain':
      return 'alter_domains';
    case 'alter_type':
      return 'alter_types';
    case 'create_sequence':
    case 'alter_sequence':
      return 'sequences';
    case 'create_function':
    case 'replace_function':
      return c.late ? 'create_late_functions' : 'create_functions';
    case 'create_table':
      return c.table.partitionOf ? 'create_partitions' : 'create_tables';
    case 'add_column':
      return c.column.generated !== null ? 'add_generated_columns' : 'add_columns';
    case 'alter_column':
      return 'alter_columns';
    case 'set_partition_bound':
      return 'set_partition_bounds';
    case 'drop_column':
      return c.column.generated !== null ? 'drop_generated_columns' : 'drop_columns';
    case 'drop_function':
      return c.late ? 'drop_late_functions' : 'drop_functions';
    case 'drop_table':
      return c.table.partitionOf ? 'drop_partitions' : 'drop_tables';
    case 'recreate_enum':
      return 'recreate_enums';
    case 'drop_sequence':
      return 'drop_sequences';
    case 'drop_domain':
      return 'drop_domains';
    case 'drop_type':
      return 'drop_types';
    case 'drop_enum':
      return 'drop_enums';
    case 'drop_extension':
      return 'drop_extensions';
    case 'add_primary_key':
      return 'add_primary_keys';
    case 'set_row_security':
      return 'set_row_security';
    case 'add_constraint':
      return c.constraint.kind === 'foreignKey' ? 'add_foreign_keys' : 'add_other_constraints';
    case 'add_exclusion':
      return 'add_exclusions';
    case 'create_index':
      return 'create_indexes';
    case 'create_view':
      return 'create_views';
    case 'create_trigger':
      return 'create_triggers';
    case 'create_policy':
      return 'create_policies';
    case 'set_table_comment':
    case 'set_enum_comment':
    case 'set_comment':
      return 'comments';
    case 'grant':
      return 'grants';
    case 'create_collation':
      return 'create_collations';
    case 'create_ts_dictionary':
    case 'alter_ts_dictionary':
      return 'text_search_dictionaries';
    case 'create_ts_configuration':
    case 'alter_ts_configuration':
    case 'recreate_ts_configuration':
      return 'text_search_configurations';
    case 'recreate_ts_dictionary':
      return 'recreate_text_search_dictionaries';
    case 'recreate_collation':
      return 'recreate_collations';
    case 'drop_ts_configuration':
      return 'drop_text_search_configurations';
    case 'drop_ts_dictionary':
      return 'drop_text_search_dictionaries';
    case 'drop_collation':
      return 'drop_collations';
    case 'set_text_object_comment':
      return 'comments';
    default: {
      const never: never = c;
      throw new Error(`phaseOf: unknown change kind ${(never as Change).kind}`);
    }
  }
}

/** Within a phase: views and routines that others depend on are created first and dropped last. */
function depthOrder(c: Change): number {
  switch (c.kind) {
    case 'create_view':
    case 'create_function':
      return c.depth;
    case 'drop_view':
    case 'drop_function':
      return -c.depth;
    default:
      return 0;
  }
}

/** The object a change is sorted by within its phase: a part of a table, by its table. */
function subject(c: Change): string {
  switch (c.kind) {
    // Table renames keep the diff's order (a chain a -> b, b -> c).
    case 'rename_table':
      return '';
    case 'grant':
    case 'revoke':
      return `${c.on.name}\0${c.role}`;
    // A trigger's comment sorts by the trigger's name among the other comments, as it always has.
    case 'set_comment':
      return c.target.name;
  }
  const o = touchedObject(c);
  return o.table ?? o.name ?? '';
}

/**
 * Changes sorted by phase (and depth, see `depthOrder`), then by the object they concern; changes to one table keep the
 * order the diff gave them (columns in model order). Deterministic for equal input.
 */
export function orderChanges(changes: readonly Change[]): Change[] {
  return changes
    .map((change, i) => ({
      change,
      i,
      rank: RANK.get(phaseOf(change))!,
      depth: depthOrder(change),
      subject: subject(change),
    }))
    .sort(
      (a, b) =>
        a.rank - b.rank ||
        a.depth - b.depth ||
        (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0) ||
        a.i - b.i,
    )
    .map((x) => x.change);
}

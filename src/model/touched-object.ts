import { type Change, unreachable } from './changes.js';
import type { Model, TableConstraint } from './types.js';

/** The kinds of object a change touches, in the words messages use for them. */
export type ObjectKind =
  | 'extension'
  | 'enum'
  | 'sequence'
  | 'table'
  | 'column'
  | 'primary key'
  | 'unique constraint'
  | 'check constraint'
  | 'foreign key'
  /** A constraint renamed: the change does not say which kind. */
  | 'constraint'
  | 'exclusion constraint'
  | 'index'
  | 'trigger'
  | 'policy'
  | 'row level security'
  | 'domain'
  | 'function'
  | 'view'
  | 'materialized view'
  | 'type'
  | 'collation'
  | 'text search dictionary'
  | 'text search configuration';

/**
 * The object a change creates, drops, alters, renames, comments on or grants on. A part of
 * a table (a column, index, constraint, trigger, policy, its row level security) names its
 * table; a renamed object is named by the name it had.
 */
export interface TouchedObject {
  readonly kind: ObjectKind;
  /** Its own name: null for what has none (row level security, an unnamed key, index or constraint). */
  readonly name: string | null;
  /** The table a part of a table is on; null for any other object. */
  readonly table: string | null;
}

/** The model section that holds each kind of object: a part of a table is held by its table. */
export const SECTION_OF: Readonly<Record<ObjectKind, keyof Model>> = {
  extension: 'extensions',
  enum: 'enums',
  sequence: 'sequences',
  table: 'tables',
  column: 'tables',
  'primary key': 'tables',
  'unique constraint': 'tables',
  'check constraint': 'tables',
  'foreign key': 'tables',
  constraint: 'tables',
  'exclusion constraint': 'tables',
  index: 'tables',
  trigger: 'tables',
  policy: 'tables',
  'row level security': 'tables',
  domain: 'domains',
  function: 'functions',
  view: 'views',
  'materialized view': 'views',
  type: 'types',
  collation: 'collations',
  'text search dictionary': 'textSearchDictionaries',
  'text search configuration': 'textSearchConfigurations',
};

const CONSTRAINT_KINDS: Record<TableConstraint['kind'], ObjectKind> = {
  unique: 'unique constraint',
  check: 'check constraint',
  foreignKey: 'foreign key',
};

const object = (kind: ObjectKind, name: string | null): TouchedObject => ({ kind, name, table: null });
const part = (kind: ObjectKind, table: string, name: string | null): TouchedObject => ({ kind, name, table });

/**
 * The object `c` touches.
 *
 * @example
 * touchedObject({ kind: 'add_column', table: 'bookings', column }); // { kind: 'column', name: 'seats', table: 'bookings' }
 */
export function touchedObject(c: Change): TouchedObject {
  switch (c.kind) {
    case 'create_extension':
    case 'drop_extension':
      return object('extension', c.extension.name);
    case 'create_enum':
    case 'drop_enum':
      return object('enum', c.enum.name);
    case 'add_enum_values':
    case 'recreate_enum':
      return object('enum', c.to.name);
    case 'set_enum_comment':
      return object('enum', c.name);
    case 'create_sequence':
    case 'drop_sequence':
      return object('sequence', c.sequence.name);
    case 'alter_sequence':
      return object('sequence', c.to.name);
    case 'create_table':
    case 'drop_table':
      return object('table', c.table.name);
    case 'rename_table':
      return object('table', c.from);
    case 'set_table_comment':
    case 'set_partition_bound':
      return object('table', c.table);
    case 'add_column':
    case 'drop_column':
      return part('column', c.table, c.column.name);
    case 'rename_column':
      return part('column', c.table, c.from);
    case 'alter_column':
      return part('column', c.table, c.to.name);
    case 'add_primary_key':
    case 'drop_primary_key':
      return part('primary key', c.table, c.primaryKey.name);
    case 'add_constraint':
    case 'drop_constraint':
      return part(CONSTRAINT_KINDS[c.constraint.kind], c.table, c.constraint.name);
    case 'rename_constraint':
      return part('constraint', c.table, c.from);
    case 'create_index':
    case 'drop_index':
      return part('index', c.table, c.index.name);
    case 'rename_index':
      return part('index', c.table, c.from);
    case 'create_trigger':
    case 'drop_trigger':
      return part('trigger', c.table, c.trigger.name);
    case 'add_exclusion':
    case 'drop_exclusion':
      return part('exclusion constraint', c.table, c.exclusion.name);
    case 'create_policy':
    case 'drop_policy':
      return part('policy', c.table, c.policy.name);
    case 'set_row_security':
      return part('row level security', c.table, null);
    case 'create_domain':
    case 'drop_domain':
      return object('domain', c.domain.name);
    case 'alter_domain':
      return object('domain', c.to.name);
    case 'create_function':
    case 'drop_function':
      return object('function', c.routine.name);
    case 'replace_function':
      return object('function', c.to.name);
    case 'create_view':
    case 'drop_view':
      return object('view', c.view.name);
    case 'create_type':
    case 'drop_type':
      return object('type', c.type.name);
    case 'alter_type':
      return object('type', c.to.name);
    case 'grant':
    case 'revoke':
      return object(c.on.kind, c.on.name);
    case 'create_collation':
    case 'drop_collation':
      return object('collation', c.collation.name);
    case 'recreate_collation':
      return object('collation', c.to.name);
    case 'create_ts_dictionary':
    case 'drop_ts_dictionary':
      return object('text search dictionary', c.dictionary.name);
    case 'alter_ts_dictionary':
    case 'recreate_ts_dictionary':
      return object('text search dictionary', c.to.name);
    case 'create_ts_configuration':
    case 'drop_ts_configuration':
      return object('text search configuration', c.configuration.name);
    case 'alter_ts_configuration':
    case 'recreate_ts_configuration':
      return object('text search configuration', c.to.name);
    case 'set_text_object_comment':
      return object(c.target.kind, c.target.name);
    case 'set_comment':
      return c.target.kind === 'trigger'
        ? part('trigger', c.target.on, c.target.name)
        : object(c.target.kind, c.target.name);
    default:
      return unreachable(c);
  }
}

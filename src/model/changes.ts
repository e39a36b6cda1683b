import type { Collation, TextSearchConfiguration, TextSearchDictionary } from './text-objects.js';
import type {
  Column,
  CompositeType,
  Domain,
  Enum,
  ExclusionConstraint,
  Extension,
  ForeignKey,
  Index,
  Policy,
  PrimaryKey,
  Routine,
  Sequence,
  Table,
  TableConstraint,
  Trigger,
  View,
} from './types.js';

/**
 * A column whose type is an enum, found when the enum must be recreated.
 * `array` means the column's type is `<enum>[]`.
 */
export interface EnumUsage {
  readonly table: string;
  readonly column: string;
  readonly array: boolean;
  readonly default: string | null;
}

/** A column whose collation is one being recreated: it moves to the new one. */
export interface CollationUsage {
  readonly table: string;
  readonly column: string;
  /** The column's type, as Postgres prints it (ALTER COLUMN ... TYPE repeats it). */
  readonly type: string;
}

/** Collations and text search objects: what COMMENT ON names them by. */
export type TextObjectTarget =
  | { readonly kind: 'collation'; readonly name: string }
  | { readonly kind: 'text search dictionary'; readonly name: string }
  | { readonly kind: 'text search configuration'; readonly name: string };

/**
 * The sealed set of changes `diff` produces and `plan` renders. Each has an inverse
 * (`invert`), which is how a plan builds its down section.
 */
export type Change =
  | { readonly kind: 'create_extension'; readonly extension: Extension }
  | { readonly kind: 'drop_extension'; readonly extension: Extension }
  | { readonly kind: 'create_enum'; readonly enum: Enum }
  | { readonly kind: 'drop_enum'; readonly enum: Enum }
  /** Values only added: `ALTER TYPE ... ADD VALUE` in place. */
  | { readonly kind: 'add_enum_values'; readonly from: Enum; readonly to: Enum; readonly usages: readonly EnumUsage[] }
  /** Values removed or reordered: the type is rebuilt and its columns cast over. */
  | { readonly kind: 'recreate_enum'; readonly from: Enum; readonly to: Enum; readonly usages: readonly EnumUsage[] }
  | {
      readonly kind: 'set_enum_comment';
      readonly name: string;
      readonly from: string | null;
      readonly to: string | null;
    }
  | { readonly kind: 'create_sequence'; readonly sequence: Sequence }
  | { readonly kind: 'drop_sequence'; readonly sequence: Sequence }
  | { readonly kind: 'alter_sequence'; readonly from: Sequence; readonly to: Sequence }
  /** A table with its columns, primary key, unique and check constraints; indexes and FKs are separate changes. */
  | { readonly kind: 'create_table'; readonly table: Table }
  | { readonly kind: 'drop_table'; readonly table: Table }
  | { readonly kind: 'rename_table'; readonly from: string; readonly to: string }
  | {
      readonly kind: 'set_table_comment';
      readonly table: string;
      readonly from: string | null;
      readonly to: string | null;
    }
  | { readonly kind: 'add_column'; readonly table: string; readonly column: Column }
  | { readonly kind: 'drop_column'; readonly table: string; readonly column: Column }
  | { readonly kind: 'rename_column'; readonly table: string; readonly from: string; readonly to: string }
  | { readonly kind: 'alter_column'; readonly table: string; readonly from: Column; readonly to: Column }
  | { readonly kind: 'add_primary_key'; readonly table: string; readonly primaryKey: PrimaryKey }
  | { readonly kind: 'drop_primary_key'; readonly table: string; readonly primaryKey: PrimaryKey }
  | { readonly kind: 'add_constraint'; readonly table: string; readonly constraint: TableConstraint }
  | { readonly kind: 'drop_constraint'; readonly table: string; readonly constraint: TableConstraint }
  | { readonly kind: 'rename_constraint'; readonly table: string; readonly from: string; readonly to: string }
  | { readonly kind: 'create_index'; readonly table: string; readonly index: Index }
  | { readonly kind: 'drop_index'; readonly table: string; readonly index: Index }
  | { readonly kind: 'rename_index'; readonly table: string; readonly from: string; readonly to: string }
  | { readonly kind: 'create_domain'; readonly domain: Domain }
  | { readonly kind: 'drop_domain'; readonly domain: Domain }
  /** Default, NOT NULL, checks or comment of a domain whose base type stays. */
  | { readonly kind: 'alter_domain'; readonly from: Domain; readonly to: Domain }
  /**
   * `late`: the routine names a table (its row type) in its signature, so it is created
   * after the tables and dropped before them. `depth`: how many other routines of the
   * model it calls through, so that callers are created after what they call.
   */
  | { readonly kind: 'create_function'; readonly routine: Routine; readonly late: boolean; readonly depth: number }
  | { readonly kind: 'drop_function'; readonly routine: Routine; readonly late: boolean; readonly depth: number }
  /** CREATE OR REPLACE with the new definition (dropped first when its result type changes). */
  | { readonly kind: 'replace_function'; readonly from: Routine; readonly to: Routine; readonly late: boolean }
  /** `depth`: how many views of the model it reads through (created after them, dropped before them). */
  | { readonly kind: 'create_view'; readonly view: View; readonly depth: number }
  | { readonly kind: 'drop_view'; readonly view: View; readonly depth: number }
  | { readonly kind: 'create_trigger'; readonly table: string; readonly trigger: Trigger }
  | { readonly kind: 'drop_trigger'; readonly table: string; readonly trigger: Trigger }
  | { readonly kind: 'add_exclusion'; readonly table: string; readonly exclusion: ExclusionConstraint }
  | { readonly kind: 'drop_exclusion'; readonly table: string; readonly exclusion: ExclusionConstraint }
  | { readonly kind: 'create_policy'; readonly table: string; readonly policy: Policy }
  | { readonly kind: 'drop_policy'; readonly table: string; readonly policy: Policy }
  /** ENABLE / DISABLE and FORCE / NO FORCE ROW LEVEL SECURITY. */
  | {
      readonly kind: 'set_row_security';
      readonly table: string;
      readonly from: RowSecurity;
      readonly to: RowSecurity;
    }
  /** GRANT privileges on a table or view to a role (`on.kind` says which). */
  | { readonly kind: 'grant'; readonly on: GrantTarget; readonly role: string; readonly privileges: readonly string[] }
  | { readonly kind: 'revoke'; readonly on: GrantTarget; readonly role: string; readonly privileges: readonly string[] }
  | { readonly kind: 'create_type'; readonly type: CompositeType }
  | { readonly kind: 'drop_type'; readonly type: CompositeType }
  /** Attributes dropped, retyped and added (at the end) in place. */
  | { readonly kind: 'alter_type'; readonly from: CompositeType; readonly to: CompositeType }
  | { readonly kind: 'create_collation'; readonly collation: Collation }
  | { readonly kind: 'drop_collation'; readonly collation: Collation }
  /** Postgres cannot alter a collation: a new one takes its name and `usages` move to it. */
  | {
      readonly kind: 'recreate_collation';
      readonly from: Collation;
      readonly to: Collation;
      readonly usages: readonly CollationUsage[];
      /** Domains of the collation, the same on both sides and used by nothing: dropped and created again with it. */
      readonly domains: readonly Domain[];
      /** Composite types with attributes of the collation, the same on both sides and used by nothing: retyped in place. */
      readonly types: readonly CompositeType[];
      /** What else holds on to the collation and cannot be moved to the new one (the plan refuses), one line each. */
      readonly blocked: readonly string[];
    }
  | { readonly kind: 'create_ts_dictionary'; readonly dictionary: TextSearchDictionary }
  | { readonly kind: 'drop_ts_dictionary'; readonly dictionary: TextSearchDictionary }
  /** Options changed, template kept: ALTER TEXT SEARCH DICTIONARY in place. */
  | { readonly kind: 'alter_ts_dictionary'; readonly from: TextSearchDictionary; readonly to: TextSearchDictionary }
  /** Another template: a new dictionary takes the name and the `configurations` that map to it move to it. */
  | {
      readonly kind: 'recreate_ts_dictionary';
      readonly from: TextSearchDictionary;
      readonly to: TextSearchDictionary;
      readonly configurations: readonly string[];
    }
  | { readonly kind: 'create_ts_configuration'; readonly configuration: TextSearchConfiguration }
  | { readonly kind: 'drop_ts_configuration'; readonly configuration: TextSearchConfiguration }
  /** Mappings added, changed or dropped in place (same parser). */
  | {
      readonly kind: 'alter_ts_configuration';
      readonly from: TextSearchConfiguration;
      readonly to: TextSearchConfiguration;
    }
  /** Another parser: a new configuration takes the name; indexes that name it are rebuilt around it. */
  | {
      readonly kind: 'recreate_ts_configuration';
      readonly from: TextSearchConfiguration;
      readonly to: TextSearchConfiguration;
    }
  | {
      readonly kind: 'set_text_object_comment';
      readonly target: TextObjectTarget;
      readonly from: string | null;
      readonly to: string | null;
    }
  /** A partition's bound changes: detached from its parent and attached again. */
  | {
      readonly kind: 'set_partition_bound';
      readonly table: string;
      readonly parent: string;
      readonly from: string;
      readonly to: string;
    }
  /** COMMENT ON a view, routine or trigger (of `table`) whose definition stays. */
  | {
      readonly kind: 'set_comment';
      readonly target: CommentTarget;
      readonly from: string | null;
      readonly to: string | null;
    };

export interface GrantTarget {
  readonly kind: 'table' | 'view' | 'materialized view' | 'sequence' | 'function';
  readonly name: string;
}

export interface RowSecurity {
  readonly enabled: boolean;
  readonly forced: boolean;
}

/** What a `set_comment` comments on: the object's kind and name (a trigger also names its table). */
export type CommentTarget =
  | { readonly kind: 'view'; readonly name: string; readonly materialized: boolean }
  | { readonly kind: 'function'; readonly name: string; readonly definition: string }
  | { readonly kind: 'trigger'; readonly name: string; readonly on: string };

export type ChangeKind = Change['kind'];

export const isForeignKey = (c: TableConstraint): c is ForeignKey => c.kind === 'foreignKey';

/** The change that undoes `change`. */
export function invert(change: Change): Change {
  switch (change.kind) {
    case 'create_extension':
      return { kind: 'drop_extension', extension: change.extension };
    case 'drop_extension':
      return { kind: 'create_extension', extension: change.extension };
    case 'create_enum':
      return { kind: 'drop_enum', enum: change.enum };
    case 'drop_enum':
      return { kind: 'create_enum', enum: change.enum };
    case 'add_enum_values':
      // Postgres cannot remove an enum value in place: undoing an addition rebuilds the type.
      return { kind: 'recreate_enum', from: change.to, to: change.from, usages: change.usages };
    case 'recreate_enum':
      return { kind: 'recreate_enum', from: change.to, to: change.from, usages: change.usages };
    case 'set_enum_comment':
    case 'set_table_comment':
      return { ...change, from: change.to, to: change.from };
    case 'create_sequence':
      return { kind: 'drop_sequence', sequence: change.sequence };
    case 'drop_sequence':
      return { kind: 'create_sequence', sequence: change.sequence };
    case 'alter_sequence':
    case 'alter_column':
      return { ...change, from: change.to, to: change.from } as Change;
    case 'create_table':
      return { kind: 'drop_table', table: change.table };
    case 'drop_table':
      return { kind: 'create_table', table: change.table };
    case 'rename_table':
    case 'rename_column':
    case 'rename_constraint':
    case 'rename_index':
      return { ...change, from: change.to, to: change.from };
    case 'add_column':
      return { kind: 'drop_column', table: change.table, column: change.column };
    case 'drop_column':
      return { kind: 'add_column', table: change.table, column: change.column };
    case 'add_primary_key':
      return { kind: 'drop_primary_key', table: change.table, primaryKey: change.primaryKey };
    case 'drop_primary_key':
      return { kind: 'add_primary_key', table: change.table, primaryKey: change.primaryKey };
    case 'add_constraint':
      return { kind: 'drop_constraint', table: change.table, constraint: change.constraint };
    case 'drop_constraint':
      return { kind: 'add_constraint', table: change.table, constraint: change.constraint };
    case 'create_index':
      return { kind: 'drop_index', table: change.table, index: change.index };
    case 'drop_index':
      return { kind: 'create_index', table: change.table, index: change.index };
    case 'create_domain':
      return { kind: 'drop_domain', domain: change.domain };
    case 'drop_domain':
      return { kind: 'create_domain', domain: change.domain };
    case 'alter_domain':
    case 'replace_function':
      return { ...change, from: change.to, to: change.from } as Change;
    case 'create_function':
      return { ...change, kind: 'drop_function' };
    case 'drop_function':
      return { ...change, kind: 'create_function' };
    case 'create_view':
      return { ...change, kind: 'drop_view' };
    case 'drop_view':
      return { ...change, kind: 'create_view' };
    case 'create_trigger':
      return { ...change, kind: 'drop_trigger' };
    case 'drop_trigger':
      return { ...change, kind: 'create_trigger' };
    case 'set_comment':
      return { ...change, from: change.to, to: change.from };
    case 'set_partition_bound':
      return { ...change, from: change.to, to: change.from };
    case 'add_exclusion':
      return { ...change, kind: 'drop_exclusion' };
    case 'drop_exclusion':
      return { ...change, kind: 'add_exclusion' };
    case 'create_policy':
      return { ...change, kind: 'drop_policy' };
    case 'drop_policy':
      return { ...change, kind: 'create_policy' };
    case 'set_row_security':
      return { ...change, from: change.to, to: change.from };
    case 'grant':
      return { ...change, kind: 'revoke' };
    case 'revoke':
      return { ...change, kind: 'grant' };
    case 'create_type':
      return { kind: 'drop_type', type: change.type };
    case 'drop_type':
      return { kind: 'create_type', type: change.type };
    case 'alter_type':
      return { ...change, from: change.to, to: change.from };
    case 'create_collation':
      return { kind: 'drop_collation', collation: change.collation };
    case 'drop_collation':
      return { kind: 'create_collation', collation: change.collation };
    case 'create_ts_dictionary':
      return { kind: 'drop_ts_dictionary', dictionary: change.dictionary };
    case 'drop_ts_dictionary':
      return { kind: 'create_ts_dictionary', dictionary: change.dictionary };
    case 'create_ts_configuration':
      return { kind: 'drop_ts_configuration', configuration: change.configuration };
    case 'drop_ts_configuration':
      return { kind: 'create_ts_configuration', configuration: change.configuration };
    case 'recreate_collation':
    case 'alter_ts_dictionary':
    case 'recreate_ts_dictionary':
    case 'alter_ts_configuration':
    case 'recreate_ts_configuration':
    case 'set_text_object_comment':
      return { ...change, from: change.to, to: change.from } as Change;
    default:
      return unreachable(change);
  }
}

export function unreachable(value: never): never {
  throw new Error(`unsupported change kind: ${(value as { kind?: string }).kind ?? String(value)}`);
}

import type { Change } from '../model/changes.js';
import { unreachable } from '../model/changes.js';
import type { TableConstraint } from '../model/types.js';

/** Longest name `migrationName` returns, so file names stay readable in a listing. */
export const MAX_NAME_LENGTH = 50;

const MORE = '_and_more';

/**
 * A readable snake_case name for a migration made of `changes`, from the first change:
 * `add_services_service_capacity` for one added column, `create_bookings_booking` for a
 * new table, `<first>_and_more` for several. At most {@link MAX_NAME_LENGTH} characters of
 * `[a-z0-9_]`. Whether a first migration is called `initial` is the caller's call.
 *
 * @example
 * migrationName([{ kind: 'add_column', table: 'services_service', column }]); // 'add_services_service_capacity'
 */
export function migrationName(changes: readonly Change[]): string {
  if (changes.length === 0) return 'empty';
  const suffix = changes.length > 1 ? MORE : '';
  const base = snake(describe(changes[0])) || 'migration';
  return `${shorten(base, MAX_NAME_LENGTH - suffix.length)}${suffix}`;
}

function describe(change: Change): string {
  switch (change.kind) {
    case 'create_extension':
      return `create_extension_${change.extension.name}`;
    case 'drop_extension':
      return `drop_extension_${change.extension.name}`;
    case 'create_enum':
      return `create_enum_${change.enum.name}`;
    case 'drop_enum':
      return `drop_enum_${change.enum.name}`;
    case 'add_enum_values':
      return `add_${change.to.name}_values`;
    case 'recreate_enum':
      return `alter_enum_${change.to.name}`;
    case 'set_enum_comment':
      return `comment_enum_${change.name}`;
    case 'create_sequence':
      return `create_sequence_${change.sequence.name}`;
    case 'drop_sequence':
      return `drop_sequence_${change.sequence.name}`;
    case 'alter_sequence':
      return `alter_sequence_${change.to.name}`;
    case 'create_table':
      return `create_${change.table.name}`;
    case 'drop_table':
      return `drop_${change.table.name}`;
    case 'rename_table':
      return `rename_${change.from}_to_${change.to}`;
    case 'set_table_comment':
      return `comment_${change.table}`;
    case 'add_column':
      return `add_${change.table}_${change.column.name}`;
    case 'drop_column':
      return `drop_${change.table}_${change.column.name}`;
    case 'rename_column':
      return `rename_${change.table}_${change.from}_to_${change.to}`;
    case 'alter_column':
      return `alter_${change.table}_${change.to.name}`;
    case 'add_primary_key':
      return `add_${change.table}_pkey`;
    case 'drop_primary_key':
      return `drop_${change.table}_pkey`;
    case 'add_constraint':
      return `add_${constraintName(change.table, change.constraint)}`;
    case 'drop_constraint':
      return `drop_${constraintName(change.table, change.constraint)}`;
    case 'rename_constraint':
    case 'rename_index':
      return `rename_${change.from}_to_${change.to}`;
    case 'create_index':
      return `add_${change.index.name ?? `${change.table}_index`}`;
    case 'drop_index':
      return `drop_${change.index.name ?? `${change.table}_index`}`;
    case 'create_domain':
      return `create_domain_${change.domain.name}`;
    case 'drop_domain':
      return `drop_domain_${change.domain.name}`;
    case 'alter_domain':
      return `alter_domain_${change.to.name}`;
    case 'create_function':
      return `create_${routineName(change.routine.name)}`;
    case 'drop_function':
      return `drop_${routineName(change.routine.name)}`;
    case 'replace_function':
      return `replace_${routineName(change.to.name)}`;
    case 'create_view':
      return `create_${change.view.name}`;
    case 'drop_view':
      return `drop_${change.view.name}`;
    case 'create_trigger':
      return `add_${change.table}_${change.trigger.name}`;
    case 'drop_trigger':
      return `drop_${change.table}_${change.trigger.name}`;
    case 'set_comment':
      return `comment_${routineName(change.target.name)}`;
    case 'set_partition_bound':
      return `move_partition_${change.table}`;
    case 'create_policy':
      return `add_policy_${change.policy.name}`;
    case 'drop_policy':
      return `drop_policy_${change.policy.name}`;
    case 'set_row_security':
      return `${change.to.enabled ? 'enable' : 'disable'}_row_security_${change.table}`;
    case 'add_exclusion':
      return `add_${change.exclusion.name}`;
    case 'drop_exclusion':
      return `drop_${change.exclusion.name}`;
    case 'grant':
      return `grant_${change.on.name}_to_${change.role}`;
    case 'revoke':
      return `revoke_${change.on.name}_from_${change.role}`;
    case 'create_type':
      return `create_type_${change.type.name}`;
    case 'drop_type':
      return `drop_type_${change.type.name}`;
    case 'alter_type':
      return `alter_type_${change.to.name}`;
    case 'create_collation':
      return `create_collation_${change.collation.name}`;
    case 'drop_collation':
      return `drop_collation_${change.collation.name}`;
    case 'recreate_collation':
      return `recreate_collation_${change.to.name}`;
    case 'create_ts_dictionary':
      return `create_dictionary_${change.dictionary.name}`;
    case 'drop_ts_dictionary':
      return `drop_dictionary_${change.dictionary.name}`;
    case 'alter_ts_dictionary':
    case 'recreate_ts_dictionary':
      return `alter_dictionary_${change.to.name}`;
    case 'create_ts_configuration':
      return `create_ts_config_${change.configuration.name}`;
    case 'drop_ts_configuration':
      return `drop_ts_config_${change.configuration.name}`;
    case 'alter_ts_configuration':
    case 'recreate_ts_configuration':
      return `alter_ts_config_${change.to.name}`;
    case 'set_text_object_comment':
      return `comment_${change.target.name}`;
    default:
      return unreachable(change);
  }
}

/** `film_in_stock(integer,integer)` → `film_in_stock`. */
const routineName = (identity: string): string => identity.replace(/\(.*$/s, '');

const SUFFIX: Record<TableConstraint['kind'], string> = { unique: 'key', check: 'check', foreignKey: 'fkey' };

/** A constraint's own name usually starts with its table (`bookings_customer_id_fkey`); an unnamed one gets one like it. */
const constraintName = (table: string, c: TableConstraint): string =>
  c.name ?? (c.kind === 'check' ? `${table}_check` : `${table}_${c.columns.join('_')}_${SUFFIX[c.kind]}`);

/** Lower case, every other character as `_`, no doubled or edge `_`. */
const snake = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');

/** Cut at a word boundary when one is near, so a name does not end mid-word. */
function shorten(name: string, max: number): string {
  if (name.length <= max) return name;
  const cut = name.slice(0, max);
  if (name[max] === '_') return cut.replace(/_+$/, '');
  const boundary = cut.lastIndexOf('_');
  return (boundary >= max / 2 ? cut.slice(0, boundary) : cut).replace(/_+$/, '');
}

import { PgfleetError } from '../../errors.js';
import { type Change, unreachable } from '../../model/changes.js';
import type { PlanOptions } from '../types.js';
import { createCollation, dropCollation, recreateCollation, setTextObjectComment } from './collations.js';
import { addColumn, alterColumn, dropColumn, renameColumn } from './columns.js';
import { addConstraint, addPrimaryKey, dropConstraint, dropPrimaryKey, renameConstraint } from './constraints.js';
import { alterDomain, createDomain, dropDomain } from './domains.js';
import { addEnumValues, createEnum, dropEnum, recreateEnum, setEnumComment } from './enums.js';
import { createExtension, dropExtension } from './extensions.js';
import { createFunction, dropFunction, replaceFunction } from './functions.js';
import { grant, revoke } from './grants.js';
import { createIndex, dropIndex, renameIndex } from './indexes.js';
import { createPolicy, dropPolicy, setRowSecurity } from './policies.js';
import type { Rendered } from './rendered.js';
import { alterSequence, createSequence, dropSequence } from './sequences.js';
import { createTable, dropTable, renameTable, setPartitionBound, setTableComment } from './tables.js';
import {
  alterConfiguration,
  alterDictionary,
  createConfiguration,
  createDictionary,
  dropConfiguration,
  dropDictionary,
  recreateConfiguration,
  recreateDictionary,
} from './text-search.js';
import { addExclusion, createTrigger, dropExclusion, dropTrigger } from './triggers.js';
import { alterType, createType, dropType } from './types.js';
import { createView, dropView, setComment } from './views.js';

const SERIAL = /^(small|big)?serial$/;

/** The SQL of one change. Every kind renders or throws; none renders as nothing. */
export function render(change: Change, options: PlanOptions): Rendered {
  switch (change.kind) {
    case 'create_extension':
      return createExtension(change.extension, options.sharedSchema);
    case 'drop_extension':
      return dropExtension(change.extension);
    case 'create_enum':
      return createEnum(change.enum);
    case 'drop_enum':
      return dropEnum(change.enum);
    case 'add_enum_values':
      return addEnumValues(change.from, change.to);
    case 'recreate_enum':
      return recreateEnum(change.from, change.to, change.usages);
    case 'set_enum_comment':
      return setEnumComment(change.name, change.to);
    case 'create_sequence':
      return createSequence(change.sequence);
    case 'drop_sequence':
      return dropSequence(change.sequence);
    case 'alter_sequence':
      return alterSequence(change.from, change.to);
    case 'create_table':
      return createTable(change.table);
    case 'drop_table':
      return dropTable(change.table);
    case 'rename_table':
      return renameTable(change.from, change.to);
    case 'set_table_comment':
      return setTableComment(change.table, change.to);
    case 'add_column':
      return addColumn(change.table, change.column);
    case 'drop_column':
      return dropColumn(change.table, change.column);
    case 'rename_column':
      return renameColumn(change.table, change.from, change.to);
    case 'alter_column':
      if (change.from.type !== change.to.type && (SERIAL.test(change.from.type) || SERIAL.test(change.to.type))) {
        throw new PgfleetError(
          'unsupported',
          `changing ${change.table}.${change.to.name} between ${change.from.type} and ${change.to.type} is not supported yet`,
          { hint: 'write it by hand, in a migration of its own: `pgfleet new --scope S --name N`' },
        );
      }
      return alterColumn(change.table, change.from, change.to, options.serverMajor);
    case 'add_primary_key':
      return addPrimaryKey(change.table, change.primaryKey);
    case 'drop_primary_key':
      return dropPrimaryKey(change.table, change.primaryKey);
    case 'add_constraint':
      return addConstraint(change.table, change.constraint, options);
    case 'drop_constraint':
      return dropConstraint(change.table, change.constraint);
    case 'rename_constraint':
      return renameConstraint(change.table, change.from, change.to);
    case 'create_index':
      return createIndex(change.table, change.index);
    case 'drop_index':
      return dropIndex(change.index);
    case 'rename_index':
      return renameIndex(change.from, change.to);
    case 'create_domain':
      return createDomain(change.domain);
    case 'drop_domain':
      return dropDomain(change.domain);
    case 'alter_domain':
      return alterDomain(change.from, change.to);
    case 'create_function':
      return createFunction(change.routine);
    case 'drop_function':
      return dropFunction(change.routine);
    case 'replace_function':
      return replaceFunction(change.from, change.to);
    case 'create_view':
      return createView(change.view);
    case 'drop_view':
      return dropView(change.view);
    case 'create_trigger':
      return createTrigger(change.table, change.trigger);
    case 'drop_trigger':
      return dropTrigger(change.table, change.trigger);
    case 'set_comment':
      return setComment(change.target, change.to);
    case 'set_partition_bound':
      return setPartitionBound(change.table, change.parent, change.to);
    case 'create_policy':
      return createPolicy(change.table, change.policy);
    case 'drop_policy':
      return dropPolicy(change.table, change.policy);
    case 'set_row_security':
      return setRowSecurity(change.table, change.from, change.to);
    case 'add_exclusion':
      return addExclusion(change.table, change.exclusion);
    case 'drop_exclusion':
      return dropExclusion(change.table, change.exclusion);
    case 'grant':
      return grant(change.on, change.role, change.privileges);
    case 'revoke':
      return revoke(change.on, change.role, change.privileges);
    case 'create_type':
      return createType(change.type);
    case 'drop_type':
      return dropType(change.type);
    case 'alter_type':
      return alterType(change.from, change.to);
    case 'create_collation':
      return createCollation(change.collation);
    case 'drop_collation':
      return dropCollation(change.collation);
    case 'recreate_collation':
      return recreateCollation(change);
    case 'create_ts_dictionary':
      return createDictionary(change.dictionary);
    case 'drop_ts_dictionary':
      return dropDictionary(change.dictionary);
    case 'alter_ts_dictionary':
      return alterDictionary(change.from, change.to);
    case 'recreate_ts_dictionary':
      return recreateDictionary(change.from, change.to, change.configurations);
    case 'create_ts_configuration':
      return createConfiguration(change.configuration);
    case 'drop_ts_configuration':
      return dropConfiguration(change.configuration);
    case 'alter_ts_configuration':
      return alterConfiguration(change.from, change.to);
    case 'recreate_ts_configuration':
      return recreateConfiguration(change.from, change.to);
    case 'set_text_object_comment':
      return setTextObjectComment(change.target, change.to);
    default:
      return unreachable(change);
  }
}

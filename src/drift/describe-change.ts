import { type Change, unreachable } from '../model/changes.js';
import { stableKey } from '../model/compare.js';
import { touchedObject } from '../model/touched-object.js';
import type { Column, Sequence, TableConstraint } from '../model/types.js';
import type { Difference } from './types.js';

const quoted = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');
const text = (value: string | null) => (value === null ? 'none' : `'${value}'`);
const plural = (n: number, word: string) => `${word}${n === 1 ? '' : 's'}`;

/** The fields of two columns that differ, live first: `default 'a' (expected 'b')`. */
function columnFields(live: Column, expected: Column): string {
  const fields: string[] = [];
  const field = (name: string, a: unknown, b: unknown, show: (v: never) => string = String) => {
    if (stableKey(a) !== stableKey(b)) fields.push(`${name} ${show(a as never)} (expected ${show(b as never)})`);
  };
  field('type', live.type, expected.type);
  if (live.nullable !== expected.nullable)
    fields.push(live.nullable ? 'nullable (expected NOT NULL)' : 'NOT NULL (expected nullable)');
  field('default', live.default, expected.default, text);
  field('identity', live.identity, expected.identity, text);
  field('generated', live.generated, expected.generated, text);
  field('collation', live.collation, expected.collation, text);
  field('comment', live.comment, expected.comment, text);
  return fields.join(', ');
}

function sequenceFields(live: Sequence, expected: Sequence): string {
  const keys = ['type', 'start', 'increment', 'min', 'max', 'cache', 'cycle', 'comment'] as const;
  return keys
    .filter((k) => live[k] !== expected[k])
    .map((k) => `${k} ${String(live[k])} (expected ${String(expected[k])})`)
    .join(', ');
}

export function constraintText(c: TableConstraint): string {
  switch (c.kind) {
    case 'check':
      return `CHECK (${c.expression})`;
    case 'unique':
      return `UNIQUE (${c.columns.join(', ')})${c.deferrable === 'not deferrable' ? '' : ` ${c.deferrable}`}`;
    case 'foreignKey':
      return `(${c.columns.join(', ')}) REFERENCES ${c.refTable} (${c.refColumns.join(', ')}) ON DELETE ${c.onDelete} ON UPDATE ${c.onUpdate}${c.deferrable === 'not deferrable' ? '' : ` ${c.deferrable}`}`;
  }
}

/**
 * The object of a difference, e.g. `index x_idx`, `column t.c`, `primary key of t`: the
 * object `c` touches, but a grant, a comment and a partition's bound are objects of their own.
 */
export function objectLabel(c: Change): string {
  switch (c.kind) {
    case 'grant':
    case 'revoke':
      return `grant on ${c.on.name} to ${c.role}`;
    case 'set_text_object_comment':
    case 'set_comment':
      return `comment on ${c.target.kind} ${c.target.name}`;
    case 'set_partition_bound':
      return `partition ${c.table}`;
  }
  const o = touchedObject(c);
  if (o.table === null || o.kind === 'index') return `${o.kind} ${o.name}`;
  if (o.kind === 'primary key' || o.kind === 'row level security') return `${o.kind} of ${o.table}`;
  return `${o.kind} ${o.table}.${o.name}`;
}

/** A difference told by one change alone (drop and add pairs are told in `describeDrift`). */
export function describeChange(c: Change): Difference {
  const [kind, message] = told(c);
  return { kind, object: objectLabel(c), message, repair: c.kind };
}

/** How a change's difference is told: missing, extra or changed, and the line for a human. */
function told(c: Change): [Difference['kind'], string] {
  switch (c.kind) {
    case 'create_extension':
      return ['missing', `missing extension ${c.extension.name}`];
    case 'drop_extension':
      return ['extra', `extra extension ${c.extension.name}`];
    case 'create_enum':
      return ['missing', `missing enum ${c.enum.name}`];
    case 'drop_enum':
      return ['extra', `extra enum ${c.enum.name}`];
    case 'add_enum_values': {
      const lacks = c.to.values.filter((v) => !c.from.values.includes(v));
      return ['changed', `enum ${c.to.name} lacks ${plural(lacks.length, 'value')} ${quoted(lacks)}`];
    }
    case 'recreate_enum': {
      const extra = c.from.values.filter((v) => !c.to.values.includes(v));
      const message =
        extra.length > 0
          ? `enum ${c.to.name} has extra ${plural(extra.length, 'value')} ${quoted(extra)}`
          : `enum ${c.to.name} has its values in another order: ${quoted(c.from.values)} (expected ${quoted(c.to.values)})`;
      return ['changed', message];
    }
    case 'set_enum_comment':
      return ['changed', `comment on enum ${c.name} is ${text(c.from)} (expected ${text(c.to)})`];
    case 'create_sequence':
      return ['missing', `missing sequence ${c.sequence.name}`];
    case 'drop_sequence':
      return ['extra', `extra sequence ${c.sequence.name}`];
    case 'alter_sequence':
      return ['changed', `sequence ${c.to.name} differs: ${sequenceFields(c.from, c.to)}`];
    case 'create_table':
      return ['missing', `missing table ${c.table.name}`];
    case 'drop_table':
      return ['extra', `extra table ${c.table.name}`];
    case 'rename_table':
      return ['changed', `table ${c.from} is expected to be named ${c.to}`];
    case 'set_table_comment':
      return ['changed', `comment on table ${c.table} is ${text(c.from)} (expected ${text(c.to)})`];
    case 'add_column':
      return ['missing', `missing column ${c.table}.${c.column.name}`];
    case 'drop_column':
      return ['extra', `extra column ${c.table}.${c.column.name} (${c.column.type})`];
    case 'rename_column':
      return ['changed', `column ${c.table}.${c.from} is expected to be named ${c.to}`];
    case 'alter_column':
      return ['changed', `column ${c.table}.${c.to.name} differs: ${columnFields(c.from, c.to)}`];
    case 'add_primary_key':
      return ['missing', `missing primary key (${c.primaryKey.columns.join(', ')}) on ${c.table}`];
    case 'drop_primary_key':
      return ['extra', `extra primary key (${c.primaryKey.columns.join(', ')}) on ${c.table}`];
    case 'add_constraint': {
      const what = touchedObject(c).kind;
      return ['missing', `missing ${what} ${c.constraint.name} on ${c.table}: ${constraintText(c.constraint)}`];
    }
    case 'drop_constraint': {
      const what = touchedObject(c).kind;
      return ['extra', `extra ${what} ${c.constraint.name} on ${c.table}: ${constraintText(c.constraint)}`];
    }
    case 'rename_constraint':
      return ['changed', `constraint ${c.from} on ${c.table} is expected to be named ${c.to}`];
    case 'create_index':
      return ['missing', `missing index ${c.index.name} on ${c.table}`];
    case 'drop_index':
      return ['extra', `extra index ${c.index.name} on ${c.table}`];
    case 'rename_index':
      return ['changed', `index ${c.from} on ${c.table} is expected to be named ${c.to}`];
    case 'create_domain':
      return ['missing', `missing domain ${c.domain.name}`];
    case 'drop_domain':
      return ['extra', `extra domain ${c.domain.name}`];
    case 'alter_domain':
      return ['changed', `domain ${c.to.name} differs`];
    case 'create_function':
      return ['missing', `missing function ${c.routine.name}`];
    case 'drop_function':
      return ['extra', `extra function ${c.routine.name}`];
    case 'replace_function':
      return ['changed', `function ${c.to.name} has another definition`];
    case 'create_view':
      return ['missing', `missing view ${c.view.name}`];
    case 'drop_view':
      return ['extra', `extra view ${c.view.name}`];
    case 'create_trigger':
      return ['missing', `missing trigger ${c.trigger.name} on ${c.table}`];
    case 'drop_trigger':
      return ['extra', `extra trigger ${c.trigger.name} on ${c.table}`];
    case 'create_policy':
      return ['missing', `missing policy ${c.policy.name} on ${c.table}`];
    case 'drop_policy':
      return ['extra', `extra policy ${c.policy.name} on ${c.table}`];
    case 'set_row_security':
      return [
        'changed',
        `row level security of ${c.table} is ${c.from.enabled ? 'on' : 'off'}${c.from.forced ? ' (forced)' : ''} (expected ${c.to.enabled ? 'on' : 'off'}${c.to.forced ? ', forced' : ''})`,
      ];
    case 'add_exclusion':
      return [
        'missing',
        `missing exclusion constraint ${c.exclusion.name} on ${c.table}: EXCLUDE ${c.exclusion.definition}`,
      ];
    case 'drop_exclusion':
      return [
        'extra',
        `extra exclusion constraint ${c.exclusion.name} on ${c.table}: EXCLUDE ${c.exclusion.definition}`,
      ];
    case 'grant':
      return ['missing', `${c.role} lacks ${c.privileges.join(', ')} on ${c.on.kind} ${c.on.name}`];
    case 'revoke':
      return [
        'extra',
        `${c.role} has ${c.privileges.join(', ')} on ${c.on.kind} ${c.on.name}, which the model does not grant`,
      ];
    case 'create_type':
      return ['missing', `missing composite type ${c.type.name}`];
    case 'drop_type':
      return ['extra', `extra composite type ${c.type.name}`];
    case 'alter_type':
      return ['changed', `composite type ${c.to.name} has other attributes`];
    case 'set_partition_bound':
      return ['changed', `partition ${c.table} of ${c.parent} holds ${c.from} (expected ${c.to})`];
    case 'create_collation':
      return ['missing', `missing collation ${c.collation.name}`];
    case 'drop_collation':
      return ['extra', `extra collation ${c.collation.name}`];
    case 'recreate_collation':
      return ['changed', `collation ${c.to.name} has another definition`];
    case 'create_ts_dictionary':
      return ['missing', `missing text search dictionary ${c.dictionary.name}`];
    case 'drop_ts_dictionary':
      return ['extra', `extra text search dictionary ${c.dictionary.name}`];
    case 'alter_ts_dictionary':
    case 'recreate_ts_dictionary':
      return [
        'changed',
        `text search dictionary ${c.to.name} has other ${c.kind === 'alter_ts_dictionary' ? 'options' : 'template'}`,
      ];
    case 'create_ts_configuration':
      return ['missing', `missing text search configuration ${c.configuration.name}`];
    case 'drop_ts_configuration':
      return ['extra', `extra text search configuration ${c.configuration.name}`];
    case 'alter_ts_configuration':
    case 'recreate_ts_configuration':
      return [
        'changed',
        `text search configuration ${c.to.name} has other ${c.kind === 'alter_ts_configuration' ? 'mappings' : 'parser'}`,
      ];
    case 'set_text_object_comment':
      return ['changed', `comment on ${c.target.kind} ${c.target.name} is ${text(c.from)} (expected ${text(c.to)})`];
    case 'set_comment':
      return ['changed', `comment on ${c.target.kind} ${c.target.name} is ${text(c.from)} (expected ${text(c.to)})`];
    default:
      return unreachable(c);
  }
}

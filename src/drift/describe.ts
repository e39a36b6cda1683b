import { type Change, unreachable } from '../model/changes.js';
import { stableKey } from '../model/compare.js';
import type { Column, Sequence, TableConstraint } from '../model/types.js';
import type { Difference } from './types.js';

const CONSTRAINT_WORDS: Record<TableConstraint['kind'], string> = {
  unique: 'unique constraint',
  check: 'check constraint',
  foreignKey: 'foreign key',
};

const quoted = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');
const text = (value: string | null) => (value === null ? 'none' : `'${value}'`);
const plural = (n: number, word: string) => `${word}${n === 1 ? '' : 's'}`;

const make = (kind: Difference['kind'], object: string, message: string, repair: Change['kind']): Difference => ({
  kind,
  object,
  message,
  repair,
});

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

function constraintText(c: TableConstraint): string {
  switch (c.kind) {
    case 'check':
      return `CHECK (${c.expression})`;
    case 'unique':
      return `UNIQUE (${c.columns.join(', ')})${c.deferrable === 'not deferrable' ? '' : ` ${c.deferrable}`}`;
    case 'foreignKey':
      return `(${c.columns.join(', ')}) REFERENCES ${c.refTable} (${c.refColumns.join(', ')}) ON DELETE ${c.onDelete} ON UPDATE ${c.onUpdate}${c.deferrable === 'not deferrable' ? '' : ` ${c.deferrable}`}`;
  }
}

/** A difference told by one change alone (drop and add pairs are told in `describeDrift`). */
export function describeChange(c: Change): Difference {
  switch (c.kind) {
    case 'create_extension':
      return make('missing', `extension ${c.extension.name}`, `missing extension ${c.extension.name}`, c.kind);
    case 'drop_extension':
      return make('extra', `extension ${c.extension.name}`, `extra extension ${c.extension.name}`, c.kind);
    case 'create_enum':
      return make('missing', `enum ${c.enum.name}`, `missing enum ${c.enum.name}`, c.kind);
    case 'drop_enum':
      return make('extra', `enum ${c.enum.name}`, `extra enum ${c.enum.name}`, c.kind);
    case 'add_enum_values': {
      const lacks = c.to.values.filter((v) => !c.from.values.includes(v));
      return make(
        'changed',
        `enum ${c.to.name}`,
        `enum ${c.to.name} lacks ${plural(lacks.length, 'value')} ${quoted(lacks)}`,
        c.kind,
      );
    }
    case 'recreate_enum': {
      const extra = c.from.values.filter((v) => !c.to.values.includes(v));
      const message =
        extra.length > 0
          ? `enum ${c.to.name} has extra ${plural(extra.length, 'value')} ${quoted(extra)}`
          : `enum ${c.to.name} has its values in another order: ${quoted(c.from.values)} (expected ${quoted(c.to.values)})`;
      return make('changed', `enum ${c.to.name}`, message, c.kind);
    }
    case 'set_enum_comment':
      return make(
        'changed',
        `enum ${c.name}`,
        `comment on enum ${c.name} is ${text(c.from)} (expected ${text(c.to)})`,
        c.kind,
      );
    case 'create_sequence':
      return make('missing', `sequence ${c.sequence.name}`, `missing sequence ${c.sequence.name}`, c.kind);
    case 'drop_sequence':
      return make('extra', `sequence ${c.sequence.name}`, `extra sequence ${c.sequence.name}`, c.kind);
    case 'alter_sequence':
      return make(
        'changed',
        `sequence ${c.to.name}`,
        `sequence ${c.to.name} differs: ${sequenceFields(c.from, c.to)}`,
        c.kind,
      );
    case 'create_table':
      return make('missing', `table ${c.table.name}`, `missing table ${c.table.name}`, c.kind);
    case 'drop_table':
      return make('extra', `table ${c.table.name}`, `extra table ${c.table.name}`, c.kind);
    case 'rename_table':
      return make('changed', `table ${c.from}`, `table ${c.from} is expected to be named ${c.to}`, c.kind);
    case 'set_table_comment':
      return make(
        'changed',
        `table ${c.table}`,
        `comment on table ${c.table} is ${text(c.from)} (expected ${text(c.to)})`,
        c.kind,
      );
    case 'add_column':
      return make(
        'missing',
        `column ${c.table}.${c.column.name}`,
        `missing column ${c.table}.${c.column.name}`,
        c.kind,
      );
    case 'drop_column':
      return make(
        'extra',
        `column ${c.table}.${c.column.name}`,
        `extra column ${c.table}.${c.column.name} (${c.column.type})`,
        c.kind,
      );
    case 'rename_column':
      return make(
        'changed',
        `column ${c.table}.${c.from}`,
        `column ${c.table}.${c.from} is expected to be named ${c.to}`,
        c.kind,
      );
    case 'alter_column':
      return make(
        'changed',
        `column ${c.table}.${c.to.name}`,
        `column ${c.table}.${c.to.name} differs: ${columnFields(c.from, c.to)}`,
        c.kind,
      );
    case 'add_primary_key':
      return make(
        'missing',
        `primary key of ${c.table}`,
        `missing primary key (${c.primaryKey.columns.join(', ')}) on ${c.table}`,
        c.kind,
      );
    case 'drop_primary_key':
      return make(
        'extra',
        `primary key of ${c.table}`,
        `extra primary key (${c.primaryKey.columns.join(', ')}) on ${c.table}`,
        c.kind,
      );
    case 'add_constraint': {
      const what = CONSTRAINT_WORDS[c.constraint.kind];
      return make(
        'missing',
        `${what} ${c.table}.${c.constraint.name}`,
        `missing ${what} ${c.constraint.name} on ${c.table}: ${constraintText(c.constraint)}`,
        c.kind,
      );
    }
    case 'drop_constraint': {
      const what = CONSTRAINT_WORDS[c.constraint.kind];
      return make(
        'extra',
        `${what} ${c.table}.${c.constraint.name}`,
        `extra ${what} ${c.constraint.name} on ${c.table}: ${constraintText(c.constraint)}`,
        c.kind,
      );
    }
    case 'rename_constraint':
      return make(
        'changed',
        `constraint ${c.table}.${c.from}`,
        `constraint ${c.from} on ${c.table} is expected to be named ${c.to}`,
        c.kind,
      );
    case 'create_index':
      return make('missing', `index ${c.index.name}`, `missing index ${c.index.name} on ${c.table}`, c.kind);
    case 'drop_index':
      return make('extra', `index ${c.index.name}`, `extra index ${c.index.name} on ${c.table}`, c.kind);
    case 'rename_index':
      return make(
        'changed',
        `index ${c.from}`,
        `index ${c.from} on ${c.table} is expected to be named ${c.to}`,
        c.kind,
      );
    case 'create_domain':
      return make('missing', `domain ${c.domain.name}`, `missing domain ${c.domain.name}`, c.kind);
    case 'drop_domain':
      return make('extra', `domain ${c.domain.name}`, `extra domain ${c.domain.name}`, c.kind);
    case 'alter_domain':
      return make('changed', `domain ${c.to.name}`, `domain ${c.to.name} differs`, c.kind);
    case 'create_function':
      return make('missing', `function ${c.routine.name}`, `missing function ${c.routine.name}`, c.kind);
    case 'drop_function':
      return make('extra', `function ${c.routine.name}`, `extra function ${c.routine.name}`, c.kind);
    case 'replace_function':
      return make('changed', `function ${c.to.name}`, `function ${c.to.name} has another definition`, c.kind);
    case 'create_view':
      return make('missing', `view ${c.view.name}`, `missing view ${c.view.name}`, c.kind);
    case 'drop_view':
      return make('extra', `view ${c.view.name}`, `extra view ${c.view.name}`, c.kind);
    case 'create_trigger':
      return make(
        'missing',
        `trigger ${c.table}.${c.trigger.name}`,
        `missing trigger ${c.trigger.name} on ${c.table}`,
        c.kind,
      );
    case 'drop_trigger':
      return make(
        'extra',
        `trigger ${c.table}.${c.trigger.name}`,
        `extra trigger ${c.trigger.name} on ${c.table}`,
        c.kind,
      );
    case 'create_policy':
      return make(
        'missing',
        `policy ${c.table}.${c.policy.name}`,
        `missing policy ${c.policy.name} on ${c.table}`,
        c.kind,
      );
    case 'drop_policy':
      return make('extra', `policy ${c.table}.${c.policy.name}`, `extra policy ${c.policy.name} on ${c.table}`, c.kind);
    case 'set_row_security':
      return make(
        'changed',
        `row level security of ${c.table}`,
        `row level security of ${c.table} is ${c.from.enabled ? 'on' : 'off'}${c.from.forced ? ' (forced)' : ''} (expected ${c.to.enabled ? 'on' : 'off'}${c.to.forced ? ', forced' : ''})`,
        c.kind,
      );
    case 'add_exclusion':
      return make(
        'missing',
        `exclusion constraint ${c.table}.${c.exclusion.name}`,
        `missing exclusion constraint ${c.exclusion.name} on ${c.table}: EXCLUDE ${c.exclusion.definition}`,
        c.kind,
      );
    case 'drop_exclusion':
      return make(
        'extra',
        `exclusion constraint ${c.table}.${c.exclusion.name}`,
        `extra exclusion constraint ${c.exclusion.name} on ${c.table}: EXCLUDE ${c.exclusion.definition}`,
        c.kind,
      );
    case 'grant':
      return make(
        'missing',
        `grant on ${c.on.name} to ${c.role}`,
        `${c.role} lacks ${c.privileges.join(', ')} on ${c.on.kind} ${c.on.name}`,
        c.kind,
      );
    case 'revoke':
      return make(
        'extra',
        `grant on ${c.on.name} to ${c.role}`,
        `${c.role} has ${c.privileges.join(', ')} on ${c.on.kind} ${c.on.name}, which the model does not grant`,
        c.kind,
      );
    case 'create_type':
      return make('missing', `type ${c.type.name}`, `missing composite type ${c.type.name}`, c.kind);
    case 'drop_type':
      return make('extra', `type ${c.type.name}`, `extra composite type ${c.type.name}`, c.kind);
    case 'alter_type':
      return make('changed', `type ${c.to.name}`, `composite type ${c.to.name} has other attributes`, c.kind);
    case 'set_partition_bound':
      return make(
        'changed',
        `partition ${c.table}`,
        `partition ${c.table} of ${c.parent} holds ${c.from} (expected ${c.to})`,
        c.kind,
      );
    case 'create_collation':
      return make('missing', `collation ${c.collation.name}`, `missing collation ${c.collation.name}`, c.kind);
    case 'drop_collation':
      return make('extra', `collation ${c.collation.name}`, `extra collation ${c.collation.name}`, c.kind);
    case 'recreate_collation':
      return make('changed', `collation ${c.to.name}`, `collation ${c.to.name} has another definition`, c.kind);
    case 'create_ts_dictionary':
      return make(
        'missing',
        `text search dictionary ${c.dictionary.name}`,
        `missing text search dictionary ${c.dictionary.name}`,
        c.kind,
      );
    case 'drop_ts_dictionary':
      return make(
        'extra',
        `text search dictionary ${c.dictionary.name}`,
        `extra text search dictionary ${c.dictionary.name}`,
        c.kind,
      );
    case 'alter_ts_dictionary':
    case 'recreate_ts_dictionary':
      return make(
        'changed',
        `text search dictionary ${c.to.name}`,
        `text search dictionary ${c.to.name} has other ${c.kind === 'alter_ts_dictionary' ? 'options' : 'template'}`,
        c.kind,
      );
    case 'create_ts_configuration':
      return make(
        'missing',
        `text search configuration ${c.configuration.name}`,
        `missing text search configuration ${c.configuration.name}`,
        c.kind,
      );
    case 'drop_ts_configuration':
      return make(
        'extra',
        `text search configuration ${c.configuration.name}`,
        `extra text search configuration ${c.configuration.name}`,
        c.kind,
      );
    case 'alter_ts_configuration':
    case 'recreate_ts_configuration':
      return make(
        'changed',
        `text search configuration ${c.to.name}`,
        `text search configuration ${c.to.name} has other ${c.kind === 'alter_ts_configuration' ? 'mappings' : 'parser'}`,
        c.kind,
      );
    case 'set_text_object_comment':
      return make(
        'changed',
        `comment on ${c.target.kind} ${c.target.name}`,
        `comment on ${c.target.kind} ${c.target.name} is ${text(c.from)} (expected ${text(c.to)})`,
        c.kind,
      );
    case 'set_comment':
      return make(
        'changed',
        `comment on ${c.target.kind} ${c.target.name}`,
        `comment on ${c.target.kind} ${c.target.name} is ${text(c.from)} (expected ${text(c.to)})`,
        c.kind,
      );
    default:
      return unreachable(c);
  }
}

type Dropped = Extract<Change, { kind: 'drop_constraint' | 'drop_index' }>;
type Added = Extract<Change, { kind: 'add_constraint' | 'create_index' }>;

const pairKey = (c: Dropped | Added): string =>
  c.kind === 'drop_constraint' || c.kind === 'add_constraint'
    ? `constraint\0${c.table}\0${c.constraint.kind}\0${c.constraint.name}`
    : `index\0${c.table}\0${c.index.name}`;

const definitionOf = (c: Dropped | Added): string => {
  if ('constraint' in c) return stableKey({ ...c.constraint, name: null });
  const { concurrently: _c, ...index } = c.index;
  return stableKey({ ...index, name: null });
};

/**
 * The differences that `changes` (from the live schema to its expected state) repair, one
 * per object, sorted by object. A constraint or index dropped and added under one name is
 * one `changed` difference; one dropped and added unchanged (the planner releases foreign
 * keys around a rebuilt key) is no difference at all.
 *
 * @example
 * describeDrift(diff(live, expected)); // [{ kind: 'missing', object: 'index x_idx', message: 'missing index x_idx on x', ... }]
 */
export function describeDrift(changes: readonly Change[]): Difference[] {
  const drops = new Map<string, Dropped>();
  const adds = new Map<string, Added>();
  for (const c of changes) {
    if (c.kind === 'drop_constraint' || c.kind === 'drop_index') drops.set(pairKey(c), c);
    if (c.kind === 'add_constraint' || c.kind === 'create_index') adds.set(pairKey(c), c);
  }
  const out: Difference[] = [];
  for (const c of changes) {
    if (c.kind === 'add_constraint' || c.kind === 'create_index') {
      if (drops.has(pairKey(c))) continue;
    } else if (c.kind === 'drop_constraint' || c.kind === 'drop_index') {
      const add = adds.get(pairKey(c));
      if (add) {
        if (definitionOf(c) !== definitionOf(add)) out.push(describePair(c, add));
        continue;
      }
    }
    out.push(describeChange(c));
  }
  return out.sort((a, b) => (a.object < b.object ? -1 : a.object > b.object ? 1 : a.message < b.message ? -1 : 1));
}

function describePair(live: Dropped, expected: Added): Difference {
  if (live.kind === 'drop_constraint' && expected.kind === 'add_constraint') {
    const what = CONSTRAINT_WORDS[live.constraint.kind];
    const object = `${what} ${live.table}.${live.constraint.name}`;
    const message = `${what} ${live.constraint.name} on ${live.table} differs: ${constraintText(live.constraint)} (expected ${constraintText(expected.constraint)})`;
    return make('changed', object, message, live.kind);
  }
  const name = live.kind === 'drop_index' ? live.index.name : '';
  return make('changed', `index ${name}`, `index ${name} on ${live.table} differs`, live.kind);
}

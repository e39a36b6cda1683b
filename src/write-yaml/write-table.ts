import {
  defaultCheckName,
  defaultForeignKeyName,
  defaultPrimaryKeyName,
  defaultUniqueName,
} from '../model/default-names.js';
import { readsColumn } from '../model/mentions.js';
import {
  type Column,
  type Deferrable,
  type ForeignKey,
  type Grant,
  type Index,
  type IndexElement,
  type Model,
  type Policy,
  type Scope,
  SHARED_PREFIX,
  type Table,
} from '../model/types.js';
import { defaultValue, sqlValue } from './write-default.js';
import { raw, type YamlMap, type YamlValue, yamlMap } from './yaml-text.js';

/**
 * A table as model YAML, and the values its parts share with other objects (types, grants,
 * indexes): constraints that fit a column shorthand and names Postgres would choose are left out.
 */

/** An object given by its SQL: `{ sql, comment? }`. */
export const sqlObject = (sql: string, comment: string | null, more: [string, YamlValue | undefined][] = []) =>
  yamlMap([['sql', sql], ...more, ['comment', comment ?? undefined]], { block: true });

/** `character varying(100)` → `varchar(100)`: the short spellings a user writes. */
export function shortType(type: string): string {
  return type
    .replace(/^character varying\b/, 'varchar')
    .replace(/^character\b/, 'char')
    .replace(/^timestamp(\(\d+\))? with time zone\b/, 'timestamptz$1')
    .replace(/^timestamp(\(\d+\))? without time zone\b/, 'timestamp$1')
    .replace(/^time(\(\d+\))? with time zone\b/, 'timetz$1')
    .replace(/^time(\(\d+\))? without time zone\b/, 'time$1');
}

const DEFERRABLE: Record<Deferrable, YamlValue | undefined> = {
  'not deferrable': undefined,
  'deferrable initially immediate': raw('true'),
  'deferrable initially deferred': 'initially deferred',
};

const action = (a: string): YamlValue | undefined => (a === 'no action' ? undefined : a);

/** The single primary-key column of the table an FK points at, or null. */
function targetKey(fk: ForeignKey, scope: Scope, models: Readonly<Record<Scope, Model>>): readonly string[] | null {
  const shared = scope === 'tenant' && fk.refTable.startsWith(SHARED_PREFIX);
  const name = shared ? fk.refTable.slice(SHARED_PREFIX.length) : fk.refTable;
  const target = models[shared ? 'shared' : scope].tables.find((t) => t.name === name);
  return target?.primaryKey?.columns ?? null;
}

const sameList = (a: readonly string[], b: readonly string[] | null) =>
  b !== null && a.length === b.length && a.every((x, i) => x === b[i]);

export function tableMap(t: Table, scope: Scope, models: Readonly<Record<Scope, Model>>): YamlMap {
  // A partition has no columns of its own to hang shorthands on.
  const partition = t.partitionOf !== null;
  // Constraints that fit a column shorthand (one column, the default name).
  const columnUnique = new Set<string>();
  const uniques = t.uniques.filter((u) => {
    const shorthand =
      !partition &&
      u.columns.length === 1 &&
      u.deferrable === 'not deferrable' &&
      !u.nullsNotDistinct &&
      u.name === defaultUniqueName(t.name, u.columns) &&
      !columnUnique.has(u.columns[0]);
    if (shorthand) columnUnique.add(u.columns[0]);
    return !shorthand;
  });
  const columnNames = new Set(t.columns.map((c) => c.name));
  const columnCheck = new Map<string, string>();
  const checks = t.checks.filter((c) => {
    // Postgres names a check after its column only when the expression reads that one column.
    const column = [...columnNames].find((n) => c.name === defaultCheckName(t.name, n));
    const shorthand =
      !partition &&
      column !== undefined &&
      !columnCheck.has(column) &&
      [...columnNames].every((n) => readsColumn(c.expression, n) === (n === column));
    if (shorthand) columnCheck.set(column, c.expression);
    return !shorthand;
  });
  const columnFk = new Map<string, ForeignKey>();
  const foreignKeys = t.foreignKeys.filter((fk) => {
    const shorthand = !partition && fk.columns.length === 1 && !columnFk.has(fk.columns[0]);
    if (shorthand) columnFk.set(fk.columns[0], fk);
    return !shorthand;
  });

  const reference = (fk: ForeignKey): YamlMap =>
    yamlMap([
      ['table', fk.refTable],
      ['column', sameList(fk.refColumns, targetKey(fk, scope, models)) ? undefined : fk.refColumns[0]],
      ['onDelete', action(fk.onDelete)],
      ['onUpdate', action(fk.onUpdate)],
      ['deferrable', DEFERRABLE[fk.deferrable]],
      ['name', fk.name === defaultForeignKeyName(t.name, fk.columns) ? undefined : (fk.name ?? undefined)],
    ]);
  const column = (c: Column): YamlMap => {
    const fk = columnFk.get(c.name);
    return yamlMap([
      ['type', shortType(c.type)],
      ['nullable', c.nullable ? raw('true') : undefined],
      ['default', c.default !== null ? defaultValue(c.default, c.type) : undefined],
      ['identity', c.identity ?? undefined],
      ['generated', c.generated !== null ? sqlValue(c.generated) : undefined],
      ['collation', c.collation ?? undefined],
      ['unique', columnUnique.has(c.name) ? raw('true') : undefined],
      ['check', columnCheck.has(c.name) ? expression(columnCheck.get(c.name) ?? '') : undefined],
      ['references', fk ? reference(fk) : undefined],
      ['comment', c.comment ?? undefined],
    ]);
  };
  const pk = t.primaryKey;
  const primaryKey: YamlValue | undefined =
    pk === null
      ? undefined
      : pk.name === defaultPrimaryKeyName(t.name)
        ? [...pk.columns]
        : yamlMap([
            ['name', pk.name ?? undefined],
            ['columns', [...pk.columns]],
          ]);
  const named = <T extends { name: string | null }>(items: readonly T[], value: (item: T) => YamlValue) =>
    items.length === 0
      ? undefined
      : yamlMap(
          items.map((i) => [i.name ?? '', value(i)] as const),
          { block: true },
        );
  const bound = t.partitionOf?.bound;
  const partitions = models[scope].tables.filter((p) => p.partitionOf?.parent === t.name);
  return yamlMap(
    [
      ['values', bound !== undefined && bound !== 'DEFAULT' ? bound.replace(/^FOR VALUES\s+/, '') : undefined],
      ['default', bound === 'DEFAULT' ? raw('true') : undefined],
      ['comment', t.comment ?? undefined],
      [
        'columns',
        partition
          ? undefined
          : yamlMap(
              t.columns.map((c) => [c.name, column(c)] as const),
              { align: true, block: true },
            ),
      ],
      ['primaryKey', primaryKey],
      [
        'unique',
        named(uniques, (u) =>
          u.deferrable === 'not deferrable' && !u.nullsNotDistinct
            ? [...u.columns]
            : yamlMap([
                ['columns', [...u.columns]],
                ['deferrable', u.deferrable !== 'not deferrable' ? DEFERRABLE[u.deferrable] : undefined],
                ['nullsNotDistinct', u.nullsNotDistinct ? raw('true') : undefined],
              ]),
        ),
      ],
      ['checks', named(checks, (c) => expression(c.expression))],
      [
        'foreignKeys',
        named(foreignKeys, (fk) =>
          yamlMap([
            ['columns', [...fk.columns]],
            [
              'references',
              yamlMap([
                ['table', fk.refTable],
                ['columns', sameList(fk.refColumns, targetKey(fk, scope, models)) ? undefined : [...fk.refColumns]],
              ]),
            ],
            ['onDelete', action(fk.onDelete)],
            ['onUpdate', action(fk.onUpdate)],
            ['deferrable', DEFERRABLE[fk.deferrable]],
          ]),
        ),
      ],
      ['indexes', named(t.indexes, indexValue)],
      ['exclusions', named(t.exclusions, (x) => x.definition)],
      [
        'rowLevelSecurity',
        t.forceRowLevelSecurity && t.rowLevelSecurity ? 'force' : t.rowLevelSecurity ? raw('true') : undefined,
      ],
      ['policies', named(t.policies, policyValue)],
      ['grants', grantsValue(t.grants)],
      ['triggers', named(t.triggers, (tr) => sqlObject(tr.definition, tr.comment))],
      ['partitionBy', t.partitionBy ?? undefined],
      [
        'partitions',
        partitions.length === 0
          ? undefined
          : yamlMap(
              partitions.map((p) => [p.name, tableMap(p, scope, models)] as const),
              { block: true },
            ),
      ],
    ],
    { block: !partition },
  );
}

/** A check or predicate as a user would write it. */
const expression = (sql: string): string => withoutParentheses(sql);

/**
 * `(a > b)` → `a > b`: Postgres prints a check or predicate wrapped in parentheses, which
 * `CHECK (...)` and `WHERE` do not need. Only a pair that encloses the whole text goes
 * (string literals and quoted names skipped).
 */
export function withoutParentheses(sql: string): string {
  let text = sql.trim();
  while (text.startsWith('(') && text.endsWith(')') && closingOf(text, 0) === text.length - 1) {
    text = text.slice(1, -1).trim();
  }
  return text;
}

/** Index of the `)` that closes the `(` at `open`, or -1. */
function closingOf(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'" || ch === '"') {
      const end = text.indexOf(ch, i + 1);
      if (end < 0) return -1;
      // A doubled quote inside is just the next literal piece: skip past it either way.
      i = end;
      continue;
    }
    if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i;
  }
  return -1;
}

export function grantsValue(grants: readonly Grant[]): YamlValue | undefined {
  return grants.length === 0
    ? undefined
    : yamlMap(
        grants.map((g) => [g.name, [...g.privileges]] as const),
        { block: true },
      );
}

function policyValue(p: Policy): YamlValue {
  return yamlMap([
    ['command', p.command !== 'all' ? p.command : undefined],
    ['restrictive', p.permissive ? undefined : raw('true')],
    ['roles', p.roles.length === 1 && p.roles[0] === 'public' ? undefined : [...p.roles]],
    ['using', p.using !== null ? withoutParentheses(p.using) : undefined],
    ['check', p.check !== null ? withoutParentheses(p.check) : undefined],
  ]);
}

function indexElementValue(e: IndexElement): YamlValue {
  const defaultNulls = e.order === 'desc' ? 'first' : 'last';
  const plain = e.order === 'asc' && e.nulls === defaultNulls && e.opclass === null && e.collation === null;
  if (e.column !== null && plain) return e.column;
  return yamlMap([
    e.column !== null ? ['column', e.column] : ['expression', e.expression ?? ''],
    ['order', e.order === 'desc' ? 'desc' : undefined],
    ['nulls', e.nulls !== defaultNulls ? e.nulls : undefined],
    ['opclass', e.opclass ?? undefined],
    ['collation', e.collation ?? undefined],
  ]);
}

export function indexValue(i: Index): YamlValue {
  return yamlMap([
    ['columns', i.elements.map(indexElementValue)],
    ['unique', i.unique ? raw('true') : undefined],
    ['method', i.method !== 'btree' ? i.method : undefined],
    ['include', i.include.length > 0 ? [...i.include] : undefined],
    ['nullsNotDistinct', i.nullsNotDistinct ? raw('true') : undefined],
    ['where', i.where !== null ? expression(i.where) : undefined],
  ]);
}

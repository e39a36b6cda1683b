import { emptyModel, isDefaultRoutineGrants } from '../model/build.js';
import {
  defaultCheckName,
  defaultForeignKeyName,
  defaultPrimaryKeyName,
  defaultUniqueName,
} from '../model/default-names.js';
import {
  type Column,
  type CompositeType,
  type Deferrable,
  type Domain,
  type Enum,
  type ForeignKey,
  type Grant,
  type Index,
  type IndexElement,
  type Model,
  type Policy,
  type Routine,
  type Scope,
  type Sequence,
  SHARED_PREFIX,
  type Table,
  type View,
} from '../model/types.js';
import { defaultValue, sqlValue } from './write-default.js';
import { raw, type YamlMap, type YamlValue, yamlDocument, yamlMap } from './yaml-text.js';

/** One model file to write: its name in the scope's folder and its text. */
export interface ModelFile {
  readonly scope: Scope;
  readonly name: string;
  readonly text: string;
  /** The tables it declares, for reports. */
  readonly tables: readonly string[];
}

export interface WriteModelOptions {
  /** One file per scope (`schema.yaml`) instead of one per table-name prefix. */
  readonly oneFile?: boolean;
  /** The `$schema` of the editor hint at the top of each file, relative to the file. */
  readonly schemaUrl?: string;
}

/**
 * The YAML files of a model, as a user would write them: what Postgres does by default is
 * left out (NOT NULL is the format's default, `nullable: true` is written; default
 * constraint names, ascending index order, btree, NO ACTION are omitted), defaults are
 * YAML literals where the loader turns them back into the same SQL, and names Postgres
 * would not choose itself are kept. Tables are grouped into files by the part of their name
 * before the first `_` (Django's `<app>_<model>`), other objects go with the tables of
 * their prefix, else to `common.yaml`.
 *
 * The result loads back into a model that Postgres canonicalises to the same schema.
 */
export function writeModel(models: Readonly<Record<Scope, Model>>, options: WriteModelOptions = {}): ModelFile[] {
  return (['shared', 'tenant'] as const).flatMap((scope) => scopeFiles(scope, models, options));
}

const prefixOf = (name: string): string => {
  const i = name.indexOf('_');
  return i > 0 ? name.slice(0, i) : name;
};

/** A file name from a prefix: letters, digits, `_` and `-` kept, anything else `_`. */
const fileNameOf = (prefix: string): string => `${prefix.replace(/[^A-Za-z0-9_-]/g, '_') || 'common'}.yaml`;

/** The objects of one file: a model whose lists fill up as objects are assigned to files. */
type Group = { -readonly [K in keyof Model]: Model[K][number][] };

function scopeFiles(scope: Scope, models: Readonly<Record<Scope, Model>>, options: WriteModelOptions): ModelFile[] {
  const model = models[scope];
  const groups = new Map<string, Group>();
  const group = (key: string) => {
    let g = groups.get(key);
    if (!g) {
      g = emptyModel() as Group;
      groups.set(key, g);
    }
    return g;
  };
  const tableKey = (name: string) => (options.oneFile ? 'schema' : prefixOf(name));
  for (const t of model.tables) if (!t.partitionOf) group(tableKey(t.name)).tables.push(t);
  const otherKey = (name: string) => {
    if (options.oneFile) return 'schema';
    const prefix = prefixOf(name);
    return groups.has(prefix) ? prefix : 'common';
  };
  for (const e of model.enums) group(otherKey(e.name)).enums.push(e);
  for (const s of model.sequences) group(otherKey(s.name)).sequences.push(s);
  for (const d of model.domains) group(otherKey(d.name)).domains.push(d);
  for (const f of model.functions) group(otherKey(f.name)).functions.push(f);
  for (const v of model.views) group(otherKey(v.name)).views.push(v);
  for (const t of model.types) group(otherKey(t.name)).types.push(t);
  for (const x of model.extensions) group(options.oneFile ? 'schema' : 'common').extensions.push(x);

  const header = options.schemaUrl ? [`yaml-language-server: $schema=${options.schemaUrl}`] : [];
  const files = [...groups.entries()].map(([key, g]) => ({
    scope,
    name: fileNameOf(key),
    text: yamlDocument(fileMap(g, scope, models), header),
    tables: g.tables.map((t) => t.name),
  }));
  // Two prefixes may map to one file name (`a.b`, `a-b`); the later one is numbered.
  const seen = new Set<string>();
  return files
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((f) => {
      let name = f.name;
      for (let i = 2; seen.has(name); i++) name = f.name.replace(/\.yaml$/, `_${i}.yaml`);
      seen.add(name);
      return { ...f, name };
    });
}

function fileMap(g: Group, scope: Scope, models: Readonly<Record<Scope, Model>>): YamlMap {
  const section = <T extends { name: string }>(items: readonly T[], value: (item: T) => YamlValue) =>
    items.length === 0 ? undefined : yamlMap(items.map((i) => [i.name, value(i)] as const));
  const tables = section(g.tables, (t) => tableMap(t, scope, models));
  const plainViews = g.views.filter((v) => !v.materialized);
  const materialized = g.views.filter((v) => v.materialized);
  return yamlMap(
    [
      ['extensions', g.extensions.length > 0 ? g.extensions.map((x) => x.name) : undefined],
      ['enums', blockOf(section(g.enums, enumValue))],
      ['domains', blockOf(section(g.domains, domainValue))],
      ['types', blockOf(section(g.types, typeValue))],
      ['sequences', blockOf(section(g.sequences, sequenceValue))],
      ['functions', spacedOf(section(g.functions, routineValue))],
      ['tables', tables && { ...tables, block: true, spaced: true }],
      ['views', spacedOf(section(plainViews, viewValue))],
      ['materializedViews', spacedOf(section(materialized, viewValue))],
    ],
    { spaced: true },
  );
}

const blockOf = (m: YamlMap | undefined): YamlMap | undefined => m && { ...m, block: true };
const spacedOf = (m: YamlMap | undefined): YamlMap | undefined => m && { ...m, block: true, spaced: true };

/** An object given by its SQL: `{ sql, comment? }`. */
const sqlObject = (sql: string, comment: string | null, more: [string, YamlValue | undefined][] = []) =>
  yamlMap([['sql', sql], ...more, ['comment', comment ?? undefined]], { block: true });

const routineValue = (r: Routine): YamlValue =>
  sqlObject(r.definition, r.comment, [
    ['grants', isDefaultRoutineGrants(r.grants) ? undefined : (grantsValue(r.grants) ?? yamlMap([]))],
  ]);

const viewValue = (v: View): YamlValue =>
  sqlObject(v.definition, v.comment, [
    ['grants', grantsValue(v.grants)],
    [
      'indexes',
      v.indexes.length > 0
        ? yamlMap(
            v.indexes.map((i) => [i.name ?? '', indexValue(i)] as const),
            { block: true },
          )
        : undefined,
    ],
  ]);

function typeValue(t: CompositeType): YamlValue {
  const attributes = yamlMap(
    t.attributes.map(
      (a) =>
        [
          a.name,
          a.collation === null
            ? shortType(a.type)
            : yamlMap([
                ['type', shortType(a.type)],
                ['collation', a.collation],
              ]),
        ] as const,
    ),
  );
  return yamlMap([
    ['attributes', attributes],
    ['comment', t.comment ?? undefined],
  ]);
}

function domainValue(d: Domain): YamlValue {
  const shorthand = d.checks.length === 1 && d.checks[0].name === defaultCheckName(d.name, null) ? d.checks[0] : null;
  return yamlMap([
    ['type', shortType(d.type)],
    ['notNull', d.notNull ? raw('true') : undefined],
    ['default', d.default !== null ? defaultValue(d.default, d.type) : undefined],
    ['collation', d.collation ?? undefined],
    ['check', shorthand ? withoutParentheses(shorthand.expression) : undefined],
    [
      'checks',
      shorthand || d.checks.length === 0
        ? undefined
        : yamlMap(d.checks.map((c) => [c.name ?? '', withoutParentheses(c.expression)] as const)),
    ],
    ['comment', d.comment ?? undefined],
  ]);
}

function enumValue(e: Enum): YamlValue {
  return e.comment === null
    ? [...e.values]
    : yamlMap([
        ['values', [...e.values]],
        ['comment', e.comment],
      ]);
}

const SEQUENCE_LIMITS: Record<string, { min: bigint; max: bigint }> = {
  smallint: { min: -32768n, max: 32767n },
  integer: { min: -2147483648n, max: 2147483647n },
  bigint: { min: -9223372036854775808n, max: 9223372036854775807n },
};

/** Only the options that differ from what the loader fills in (see convertSequence). */
function sequenceValue(s: Sequence): YamlValue {
  const limits = SEQUENCE_LIMITS[s.type] ?? SEQUENCE_LIMITS.bigint;
  const increment = BigInt(s.increment);
  const ascending = increment > 0n;
  const min = ascending ? 1n : limits.min;
  const max = ascending ? limits.max : -1n;
  const start = ascending ? BigInt(s.min) : BigInt(s.max);
  const int = (value: string) => raw(value);
  return yamlMap([
    ['type', s.type !== 'bigint' ? s.type : undefined],
    ['start', BigInt(s.start) !== start ? int(s.start) : undefined],
    ['increment', increment !== 1n ? int(s.increment) : undefined],
    ['min', BigInt(s.min) !== min ? int(s.min) : undefined],
    ['max', BigInt(s.max) !== max ? int(s.max) : undefined],
    ['cache', s.cache !== '1' ? int(s.cache) : undefined],
    ['cycle', s.cycle ? raw('true') : undefined],
    ['grants', grantsValue(s.grants)],
    ['comment', s.comment ?? undefined],
  ]);
}

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

function tableMap(t: Table, scope: Scope, models: Readonly<Record<Scope, Model>>): YamlMap {
  // A partition has no columns of its own to hang shorthands on.
  const partition = t.partitionOf !== null;
  // Constraints that fit a column shorthand (one column, the default name).
  const columnUnique = new Set<string>();
  const uniques = t.uniques.filter((u) => {
    const shorthand =
      !partition &&
      u.columns.length === 1 &&
      u.deferrable === 'not deferrable' &&
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
      [...columnNames].every((n) => mentions(c.expression, n) === (n === column));
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
          u.deferrable === 'not deferrable'
            ? [...u.columns]
            : yamlMap([
                ['columns', [...u.columns]],
                ['deferrable', DEFERRABLE[u.deferrable]],
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

/** True when an expression as Postgres prints it names `column` (bare or quoted). */
function mentions(expression: string, column: string): boolean {
  const quotedName = `"${column.replaceAll('"', '""')}"`;
  if (expression.includes(quotedName)) return true;
  const escaped = column.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\w$."])${escaped}($|[^\\w$"])`).test(expression);
}

function grantsValue(grants: readonly Grant[]): YamlValue | undefined {
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

function indexValue(i: Index): YamlValue {
  return yamlMap([
    ['columns', i.elements.map(indexElementValue)],
    ['unique', i.unique ? raw('true') : undefined],
    ['method', i.method !== 'btree' ? i.method : undefined],
    ['include', i.include.length > 0 ? [...i.include] : undefined],
    ['where', i.where !== null ? expression(i.where) : undefined],
  ]);
}

import { emptyModel, isDefaultRoutineGrants } from '../model/build.js';
import { byName } from '../model/by-name.js';
import { defaultCheckName } from '../model/default-names.js';
import type { CompositeType, Domain, Enum, Model, Routine, Scope, Sequence, View } from '../model/types.js';
import { defaultValue } from './write-default.js';
import { grantsValue, indexValue, shortType, sqlObject, tableMap, withoutParentheses } from './write-table.js';
import { collationValue, configurationValue, dictionaryValue } from './write-text-objects.js';
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
  // Collations and text search objects serve many tables: with the extensions.
  const { collations, textSearchDictionaries, textSearchConfigurations } = model;
  if (collations.length + textSearchDictionaries.length + textSearchConfigurations.length > 0) {
    const common = group(options.oneFile ? 'schema' : 'common');
    common.collations.push(...collations);
    common.textSearchDictionaries.push(...textSearchDictionaries);
    common.textSearchConfigurations.push(...textSearchConfigurations);
  }

  const header = options.schemaUrl ? [`yaml-language-server: $schema=${options.schemaUrl}`] : [];
  const files = [...groups.entries()].map(([key, g]) => ({
    scope,
    name: fileNameOf(key),
    text: yamlDocument(fileMap(g, scope, models), header),
    tables: g.tables.map((t) => t.name),
  }));
  // Two prefixes may map to one file name (`a.b`, `a-b`); the later one is numbered.
  const seen = new Set<string>();
  return byName(files).map((f) => {
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
      ['collations', blockOf(section(g.collations, collationValue))],
      ['textSearchDictionaries', blockOf(section(g.textSearchDictionaries, dictionaryValue))],
      ['textSearchConfigurations', spacedOf(section(g.textSearchConfigurations, configurationValue))],
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

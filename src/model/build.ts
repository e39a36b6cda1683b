import type { Column, Enum, Grant, Index, IndexElement, Model, Sequence, Table } from './types.js';

/** Tiny constructors: tests and the loader fill only what differs from Postgres' defaults. */

export const emptyModel = (): Model => ({
  extensions: [],
  enums: [],
  sequences: [],
  tables: [],
  domains: [],
  functions: [],
  views: [],
  types: [],
  collations: [],
  textSearchDictionaries: [],
  textSearchConfigurations: [],
});

export const column = (name: string, type: string, more: Partial<Column> = {}): Column => ({
  name,
  type,
  nullable: false,
  default: null,
  identity: null,
  generated: null,
  collation: null,
  comment: null,
  ...more,
});

export const table = (name: string, columns: readonly Column[], more: Partial<Table> = {}): Table => ({
  kind: 'table',
  name,
  columns,
  primaryKey: null,
  uniques: [],
  checks: [],
  foreignKeys: [],
  indexes: [],
  triggers: [],
  exclusions: [],
  rowLevelSecurity: false,
  forceRowLevelSecurity: false,
  policies: [],
  grants: [],
  comment: null,
  partitionBy: null,
  partitionOf: null,
  ...more,
});

export const indexElement = (column: string, more: Partial<IndexElement> = {}): IndexElement => ({
  column,
  expression: null,
  order: 'asc',
  nulls: 'last',
  opclass: null,
  collation: null,
  ...more,
});

export const index = (name: string | null, columns: readonly string[], more: Partial<Index> = {}): Index => ({
  kind: 'index',
  name,
  unique: false,
  method: 'btree',
  elements: columns.map((c) => indexElement(c)),
  include: [],
  where: null,
  ...more,
});

export const enumType = (name: string, values: readonly string[], comment: string | null = null): Enum => ({
  kind: 'enum',
  name,
  values,
  comment,
});

export const sequence = (name: string, more: Partial<Sequence> = {}): Sequence => ({
  kind: 'sequence',
  name,
  type: 'bigint',
  start: '1',
  increment: '1',
  min: '1',
  max: '9223372036854775807',
  cache: '1',
  cycle: false,
  grants: [],
  comment: null,
  ...more,
});

export const model = (more: Partial<Model>): Model => ({ ...emptyModel(), ...more });

/** What a new function, procedure or aggregate has: EXECUTE for PUBLIC. */
export const DEFAULT_ROUTINE_GRANTS: readonly Grant[] = Object.freeze([
  { kind: 'grant', name: 'public', privileges: ['execute'] },
]);

export const isDefaultRoutineGrants = (grants: readonly Grant[]): boolean =>
  grants.length === 1 && grants[0].name === 'public' && grants[0].privileges.join() === 'execute';

/**
 * The shape of a model file once it has passed pgfleet.schema.json: what the user wrote,
 * before defaults and conversion to `Model`. Kept in step with the JSON Schema.
 */

export type RawScalar = string | number | boolean | null;
export type RawLiteralOrSql = RawScalar | { sql: string };
export type RawDeferrable = boolean | 'initially immediate' | 'initially deferred';

export interface RawFile {
  scope?: 'shared' | 'tenant' | 'both';
  extensions?: string[];
  enums?: Record<string, string[] | { values: string[]; comment?: string }>;
  sequences?: Record<string, RawSequence>;
  tables?: Record<string, RawTable>;
  domains?: Record<string, RawDomain>;
  functions?: Record<string, RawSql & { grants?: RawGrants }>;
  views?: Record<string, RawSql & { grants?: RawGrants }>;
  materializedViews?: Record<string, RawSql & { indexes?: Record<string, RawIndex>; grants?: RawGrants }>;
  types?: Record<string, RawCompositeType>;
}

export interface RawCompositeType {
  attributes: Record<string, string | { type: string; collation?: string }>;
  comment?: string;
}

/** Role → privileges (`[select, insert]`) or `all`. */
export type RawGrants = Record<string, string[] | 'all'>;

/** An object given by its SQL: `{ sql, comment? }`. */
export interface RawSql {
  sql: string;
  comment?: string;
}

export interface RawDomain {
  type: string;
  notNull?: boolean;
  default?: RawLiteralOrSql;
  collation?: string;
  check?: string;
  checks?: Record<string, string>;
  comment?: string;
}

export type RawInteger = number | string;

export interface RawSequence {
  type?: 'smallint' | 'integer' | 'bigint' | 'int2' | 'int4' | 'int8' | 'int';
  start?: RawInteger;
  increment?: RawInteger;
  min?: RawInteger;
  max?: RawInteger;
  cache?: RawInteger;
  cycle?: boolean;
  comment?: string;
  grants?: RawGrants;
}

export interface RawReference {
  table: string;
  column?: string;
  onDelete?: string;
  onUpdate?: string;
  deferrable?: RawDeferrable;
  name?: string;
}

export interface RawColumn {
  type: string;
  nullable?: boolean;
  default?: RawLiteralOrSql;
  identity?: 'always' | 'by default';
  generated?: { sql: string };
  collation?: string;
  comment?: string;
  references?: RawReference;
  unique?: boolean;
  check?: string;
  renamedFrom?: string;
  using?: string;
  backfill?: RawLiteralOrSql;
}

export type RawIndexElement =
  | string
  | {
      column?: string;
      expression?: string;
      order?: 'asc' | 'desc';
      nulls?: 'first' | 'last';
      opclass?: string;
      collation?: string;
    };

export interface RawIndex {
  columns: RawIndexElement[];
  unique?: boolean;
  method?: string;
  where?: string;
  include?: string[];
  nullsNotDistinct?: boolean;
  concurrently?: boolean;
}

export interface RawForeignKey {
  columns: string[];
  references: { table: string; columns?: string[] };
  onDelete?: string;
  onUpdate?: string;
  deferrable?: RawDeferrable;
}

export interface RawTable {
  comment?: string;
  renamedFrom?: string;
  columns: Record<string, RawColumn>;
  primaryKey?: string[] | { name?: string; columns: string[] };
  unique?: Record<string, string[] | { columns: string[]; deferrable?: RawDeferrable; nullsNotDistinct?: boolean }>;
  checks?: Record<string, string>;
  foreignKeys?: Record<string, RawForeignKey>;
  indexes?: Record<string, RawIndex>;
  triggers?: Record<string, RawSql>;
  exclusions?: Record<string, string>;
  rowLevelSecurity?: boolean | 'force';
  grants?: RawGrants;
  policies?: Record<string, RawPolicy>;
  partitionBy?: string;
  partitions?: Record<string, RawPartition>;
}

export interface RawPolicy {
  command?: 'all' | 'select' | 'insert' | 'update' | 'delete';
  restrictive?: boolean;
  roles?: string[];
  using?: string;
  check?: string;
}

/** A partition of a partitioned table: its bound, and what it has of its own (no columns). */
export type RawPartition = Omit<RawTable, 'columns' | 'renamedFrom' | 'partitionBy' | 'partitions'> & {
  values?: string;
  default?: boolean;
};

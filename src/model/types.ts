/**
 * The model: plain readonly data describing the objects of ONE scope (the shared schema or
 * the tenant schema). Both the YAML loader and the live inspector produce it; `diff`
 * compares two of them. Names are unqualified; a reference into the shared scope from a
 * tenant table is written `shared.<table>` (see {@link SHARED_PREFIX}).
 *
 * SQL fragments (defaults, checks, predicates, expressions) are kept as text. They are
 * compared only after Postgres has canonicalised them (design: "Postgres canonicalises,
 * not us"), so two models from the same source compare equal by construction.
 */

export type Scope = 'shared' | 'tenant';

/** Prefix of a table name that lives in the shared scope, as seen from a tenant model. */
export const SHARED_PREFIX = 'shared.';

export interface Model {
  readonly extensions: readonly Extension[];
  readonly enums: readonly Enum[];
  readonly sequences: readonly Sequence[];
  readonly tables: readonly Table[];
  readonly domains: readonly Domain[];
  /** Functions, procedures and aggregates. */
  readonly functions: readonly Routine[];
  /** Views and materialized views. */
  readonly views: readonly View[];
  /** Composite types (CREATE TYPE ... AS (...)). */
  readonly types: readonly CompositeType[];
}

export interface Extension {
  readonly kind: 'extension';
  readonly name: string;
}

export interface Enum {
  readonly kind: 'enum';
  readonly name: string;
  readonly values: readonly string[];
  readonly comment: string | null;
}

/** A standalone sequence. Sequences owned by a serial column are part of that column. */
export interface Sequence {
  readonly kind: 'sequence';
  readonly name: string;
  readonly type: string;
  readonly start: string;
  readonly increment: string;
  readonly min: string;
  readonly max: string;
  readonly cache: string;
  readonly cycle: boolean;
  /** Privileges granted on the sequence to roles other than its owner (usage, select, update). */
  readonly grants: readonly Grant[];
  readonly comment: string | null;
}

export type Identity = 'always' | 'by default';

export interface Column {
  readonly name: string;
  /** The type as Postgres prints it (`format_type`), e.g. `character varying(100)`, or `serial`/`bigserial`/`smallserial` for a column that owns its sequence. */
  readonly type: string;
  readonly nullable: boolean;
  /** An SQL expression, or null. */
  readonly default: string | null;
  readonly identity: Identity | null;
  /** The expression of a stored generated column, or null. */
  readonly generated: string | null;
  readonly collation: string | null;
  readonly comment: string | null;
  /** Hints that only the desired model carries; they never come back from inspection. */
  readonly hints?: ColumnHints;
}

export interface ColumnHints {
  readonly renamedFrom?: string;
  /** USING expression for a type change. */
  readonly using?: string;
  /** Expression that fills existing NULLs before NOT NULL is set. */
  readonly backfill?: string;
}

export interface PrimaryKey {
  readonly name: string | null;
  readonly columns: readonly string[];
}

export interface UniqueConstraint {
  readonly kind: 'unique';
  readonly name: string | null;
  readonly columns: readonly string[];
  readonly deferrable: Deferrable;
  /** UNIQUE NULLS NOT DISTINCT (Postgres 15+): rows whose key columns are NULL still clash. Absent: false. */
  readonly nullsNotDistinct?: boolean;
}

export interface CheckConstraint {
  readonly kind: 'check';
  readonly name: string | null;
  /** The boolean expression, without the `CHECK` keyword. */
  readonly expression: string;
  /** Inspected only, and only when true: added NOT VALID and not validated since. */
  readonly notValid?: true;
}

export type FkAction = 'no action' | 'restrict' | 'cascade' | 'set null' | 'set default';
export type Deferrable = 'not deferrable' | 'deferrable initially immediate' | 'deferrable initially deferred';

export interface ForeignKey {
  readonly kind: 'foreignKey';
  readonly name: string | null;
  readonly columns: readonly string[];
  /** Target table: a name of this scope, or `shared.<name>` from a tenant model. */
  readonly refTable: string;
  readonly refColumns: readonly string[];
  readonly onDelete: FkAction;
  readonly onUpdate: FkAction;
  readonly deferrable: Deferrable;
  /** Inspected only, and only when true: added NOT VALID and not validated since. */
  readonly notValid?: true;
}

export interface IndexElement {
  /** A column name, or null when `expression` is set. */
  readonly column: string | null;
  readonly expression: string | null;
  readonly order: 'asc' | 'desc';
  readonly nulls: 'first' | 'last';
  /** A non-default operator class, or null. */
  readonly opclass: string | null;
  readonly collation: string | null;
}

export interface Index {
  readonly kind: 'index';
  readonly name: string | null;
  readonly unique: boolean;
  readonly method: string;
  readonly elements: readonly IndexElement[];
  readonly include: readonly string[];
  readonly where: string | null;
  /** A unique index with NULLS NOT DISTINCT (Postgres 15+). Absent: false. */
  readonly nullsNotDistinct?: boolean;
  /** Build with CREATE INDEX CONCURRENTLY, in its own non-transactional step. A hint: never inspected. */
  readonly concurrently?: boolean;
  /**
   * Inspected only, and only when true: left INVALID by an interrupted CREATE INDEX
   * CONCURRENTLY. A model never asks for it, so the diff rebuilds such an index.
   */
  readonly invalid?: true;
}

export interface Table {
  readonly kind: 'table';
  readonly name: string;
  readonly columns: readonly Column[];
  readonly primaryKey: PrimaryKey | null;
  readonly uniques: readonly UniqueConstraint[];
  readonly checks: readonly CheckConstraint[];
  readonly foreignKeys: readonly ForeignKey[];
  readonly indexes: readonly Index[];
  readonly triggers: readonly Trigger[];
  readonly exclusions: readonly ExclusionConstraint[];
  /** ALTER TABLE ... ENABLE ROW LEVEL SECURITY. */
  readonly rowLevelSecurity: boolean;
  /** ... FORCE ROW LEVEL SECURITY: the policies apply to the table's owner too. */
  readonly forceRowLevelSecurity: boolean;
  /** Row level security policies. */
  readonly policies: readonly Policy[];
  /** Privileges granted on the table to roles other than its owner. */
  readonly grants: readonly Grant[];
  readonly comment: string | null;
  /** The partition key of a partitioned table, as Postgres prints it: `RANGE (payment_date)`. */
  readonly partitionBy: string | null;
  /**
   * A partition: its parent table and its bound as Postgres prints it (`FOR VALUES FROM
   * ('2024-01-01') TO ('2024-02-01')`, `DEFAULT`). Its columns are the parent's; its own
   * constraints, indexes and triggers are its own (those it inherits are not listed).
   */
  readonly partitionOf: PartitionOf | null;
  readonly hints?: { readonly renamedFrom?: string };
}

export interface PartitionOf {
  readonly parent: string;
  readonly bound: string;
}

/** A constraint that lives on a table, under a name unique in the schema. */
export type TableConstraint = UniqueConstraint | CheckConstraint | ForeignKey;

/**
 * A domain: a base type with an optional default, NOT NULL and checks (whose expressions
 * read `VALUE`). Unlike a column, a domain allows NULL unless `notNull`.
 */
export interface Domain {
  readonly kind: 'domain';
  readonly name: string;
  /** The base type as Postgres prints it. */
  readonly type: string;
  readonly notNull: boolean;
  readonly default: string | null;
  readonly collation: string | null;
  /** Named checks; a null name is Postgres' default (`<domain>_check`). */
  readonly checks: readonly CheckConstraint[];
  readonly comment: string | null;
}

/**
 * A function, procedure or aggregate, kept as the SQL that creates it.
 *
 * `name` is the routine's identity: its name and argument types as Postgres prints a
 * `regprocedure` (`film_in_stock(integer,integer)`) once canonicalised; in a model read
 * from YAML it is the key the user wrote. `definition` is a complete `CREATE [OR REPLACE]
 * FUNCTION | PROCEDURE | AGGREGATE` statement; canonical ones are what `pg_get_functiondef`
 * prints (aggregates: built from pg_aggregate), with the routine's own name unqualified.
 */
export interface Routine {
  readonly kind: 'function';
  readonly name: string;
  readonly definition: string;
  /**
   * Who may execute it beyond its owner; Postgres' default is PUBLIC
   * (`DEFAULT_ROUTINE_GRANTS`), so an empty list means PUBLIC's EXECUTE was revoked.
   */
  readonly grants: readonly Grant[];
  readonly comment: string | null;
}

/** A view or materialized view: its query, as written or (canonical) as `pg_get_viewdef` prints it. */
export interface View {
  readonly kind: 'view';
  readonly name: string;
  readonly materialized: boolean;
  /** The SELECT (no trailing semicolon). */
  readonly definition: string;
  /** Indexes of a materialized view (always empty for a plain view). */
  readonly indexes: readonly Index[];
  /** Privileges granted on the view to roles other than its owner. */
  readonly grants: readonly Grant[];
  readonly comment: string | null;
}

/**
 * An exclusion constraint, kept as the text after EXCLUDE that Postgres prints
 * (`USING gist (room WITH =, during WITH &&)`, with its WHERE and DEFERRABLE clauses).
 */
export interface ExclusionConstraint {
  readonly kind: 'exclusion';
  readonly name: string;
  readonly definition: string;
}

/**
 * Privileges of one role on a table, view or sequence (beyond its owner's, which are implicit):
 * `name` is the role, `public` for everyone.
 */
export interface Grant {
  readonly kind: 'grant';
  readonly name: string;
  /** Lower case, sorted: select, insert, update, delete, truncate, references, trigger (sequences: usage, select, update). */
  readonly privileges: readonly string[];
}

export type PolicyCommand = 'all' | 'select' | 'insert' | 'update' | 'delete';

/** A row level security policy of a table. */
export interface Policy {
  readonly kind: 'policy';
  readonly name: string;
  readonly command: PolicyCommand;
  /** false: AS RESTRICTIVE. */
  readonly permissive: boolean;
  /** Role names, sorted; `public` for everyone (the default). */
  readonly roles: readonly string[];
  /** USING: which existing rows are visible (as Postgres prints it), or null. */
  readonly using: string | null;
  /** WITH CHECK: which new rows are allowed, or null. */
  readonly check: string | null;
}

/** A composite type: named, typed attributes in order. */
export interface CompositeType {
  readonly kind: 'composite';
  readonly name: string;
  readonly attributes: readonly CompositeAttribute[];
  readonly comment: string | null;
}

export interface CompositeAttribute {
  readonly name: string;
  /** As Postgres prints it (`format_type`). */
  readonly type: string;
  readonly collation: string | null;
}

/** A trigger of a table, kept as its `CREATE TRIGGER` statement (canonical: `pg_get_triggerdef`). */
export interface Trigger {
  readonly kind: 'trigger';
  readonly name: string;
  readonly definition: string;
  readonly comment: string | null;
}

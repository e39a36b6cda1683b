import type { RecordedMigration } from '../fleet/history.js';
import type { ChangeKind } from '../model/changes.js';
import type { Model, Scope } from '../model/types.js';

export interface DriftTarget {
  readonly schema: string;
  readonly scope: Scope;
}

/** What one schema is expected to be, as the caller (who knows history and the model) sees it. */
export interface Expectation {
  /** Schemas with equal keys (of one scope) are compared with the same expected model. */
  readonly key: string;
  /** What the schema is compared with, for the report: `model`, or the last applied migration. */
  readonly label: string | null;
  /** The schema's history: drift findings (unknown or edited migrations) and information (pending, failed). */
  readonly history: readonly HistoryFinding[];
  readonly pending: readonly string[];
  /**
   * With pending migrations: the key of the state with them applied too. A schema that
   * differs from `key` but matches this one has their changes without their history rows.
   */
  readonly withPending: { readonly key: string; readonly migrations: readonly RecordedMigration[] } | null;
}

/** The expected model of a key; a PgfleetError('input') means it cannot be built (a replay failed). */
export type ExpectedModel = (key: string, scope: Scope) => Promise<Model>;

/** What a live schema is compared with: the state its applied migrations produce, or the model. */
export type DriftAgainst = 'history' | 'model';

/**
 * One way a live schema differs from its expected state, told from the live side: an
 * object that is `missing`, `extra` or `changed`.
 */
export interface Difference {
  readonly kind: 'missing' | 'extra' | 'changed';
  /** The kind and qualified name of the object, e.g. `index bookings_booking_status_idx`. */
  readonly object: string;
  /** One line for a human, e.g. `missing index bookings_booking_status_idx on bookings_booking`. */
  readonly message: string;
  /** The change that repairs it (the first one, when a drop and an add repair it together). */
  readonly repair: ChangeKind;
}

/**
 * A finding in a schema's migration history. `unknown_migration`, `edited_migration`,
 * `missing_history` and `unreplayable` are drift; `failed` (a failed attempt to migrate)
 * is information, as pending migrations are (`SchemaDrift.pending`).
 */
export interface HistoryFinding {
  readonly kind: 'unknown_migration' | 'edited_migration' | 'missing_history' | 'unreplayable' | 'failed';
  /** The migration concerned (`0005_add_note`), or null. */
  readonly migration: string | null;
  readonly message: string;
}

/** The history finding kinds that make a schema drifted (the others are information). */
export const DRIFT_HISTORY_KINDS: ReadonlySet<HistoryFinding['kind']> = new Set([
  'unknown_migration',
  'edited_migration',
  'missing_history',
  'unreplayable',
]);

/** One schema of the fleet: the `--json` entry. */
export interface SchemaDrift {
  readonly schema: string;
  readonly scope: Scope;
  readonly exists: boolean;
  readonly drifted: boolean;
  /**
   * What the schema was compared with: `model`, or the last migration of the history it was
   * replayed from (`0005_add_note`; null when nothing is applied).
   */
  readonly expected: string | null;
  readonly differences: readonly Difference[];
  readonly history: readonly HistoryFinding[];
  /** Migrations of the directory the schema has not applied (information, not drift). */
  readonly pending: readonly string[];
  /** Index of the schema's group in `DriftResult.groups`, or null when it does not drift. */
  readonly group: number | null;
}

/** Schemas that drift the same way, reported once. */
export interface DriftGroup {
  readonly scope: Scope;
  readonly count: number;
  readonly schemas: readonly string[];
  readonly differences: readonly Difference[];
  /** Drift findings of the history (not information such as pending migrations). */
  readonly history: readonly HistoryFinding[];
  /**
   * A unified diff of the expected and live definitions (YAML) of the objects concerned, as
   * in the group's first schema (its schemas share the change, not always the context);
   * empty when only history drifts.
   */
  readonly diff: string;
  /** With `fixSql`: the SQL that brings every schema of the group back, for a human to review. */
  readonly fixSql?: string;
}

export interface DriftSummary {
  readonly schemas: number;
  readonly clean: number;
  readonly drifted: number;
  readonly groups: number;
  /** Schemas with migrations to apply (information). */
  readonly pending: number;
  /** Schemas that do not exist. */
  readonly missing: number;
}

/** The result of `drift`, and the `--json` output of `pgfleet drift`. */
export interface DriftResult {
  readonly against: DriftAgainst;
  /** True when no schema drifts: the command's exit code 0. */
  readonly clean: boolean;
  readonly summary: DriftSummary;
  /** Largest group first. */
  readonly groups: readonly DriftGroup[];
  /** Every schema compared, the shared schema first, then tenants by name. */
  readonly schemas: readonly SchemaDrift[];
  /** Tenant names from the configured source that cannot be schema names: not compared. */
  readonly invalidNames: ReadonlyArray<{ readonly name: string; readonly problem: string }>;
  /** How the work was done: schemas read in full and distinct fingerprints, for the curious and for benchmarks. */
  readonly stats: { readonly fingerprints: number; readonly inspected: number; readonly ms: number };
}

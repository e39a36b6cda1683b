import type { Change } from '../model/changes.js';
import type { HazardKind } from '../model/hazards.js';
import type { Model, Scope } from '../model/types.js';

export type { HazardKind };

/**
 * What a statement risks, as data (not log lines), so `generate` and `migrate` can refuse
 * what was not allowed.
 */
export interface Hazard {
  readonly kind: HazardKind;
  /** The object concerned, e.g. `services_service.legacy_code`. */
  readonly object: string;
  readonly message: string;
  /**
   * A label the dev database's catalog cannot confirm or refute, so `generate` keeps the
   * rule's word: timestamp <-> timestamptz is copied unless the session's TimeZone is UTC,
   * which the dev database's is and production's may not be.
   */
  readonly ruleOnly?: true;
}

export interface Statement {
  readonly sql: string;
  /** False for statements Postgres refuses inside a transaction (CREATE INDEX CONCURRENTLY). */
  readonly transactional: boolean;
  /** The first Postgres major that knows this statement, when older supported ones do not. */
  readonly since?: number;
  /**
   * Runs in a transaction of its own, committed before and after it: a VALIDATE, whose
   * scan must not hold the locks of the statements before it, nor be repeated because a
   * statement after it had to wait for a lock.
   */
  readonly alone?: boolean;
  /** What this statement risks (the file writes them above it); absent: see its change's. */
  readonly hazards?: readonly Hazard[];
}

/**
 * Part of a change that forms (part of) one step of the migration, with the statements that
 * undo it. An online form is several stages (ADD ... NOT VALID, then VALIDATE); a plain
 * change is one.
 */
export interface Stage {
  readonly up: readonly Statement[];
  /** Undoes this stage (in the order they run); empty when there is nothing to undo (a VALIDATE). */
  readonly down: readonly Statement[];
}

/** A step of a planned migration: one transaction, or statements that each commit on their own. */
export interface PlanStep {
  readonly transactional: boolean;
  /** Down steps: the up step (1-based) they undo. */
  readonly undoes?: number;
  readonly statements: readonly Statement[];
}

/** One change rendered: its up statements, the statements that undo them, and what it risks. */
export interface PlannedChange {
  readonly change: Change;
  readonly up: readonly Statement[];
  readonly down: readonly Statement[];
  /** Null when `down` restores the previous state exactly; otherwise why it cannot. */
  readonly downCaveat: string | null;
  readonly hazards: readonly Hazard[];
  /** `up` and `down` as stages: the online forms of a change are several. */
  readonly stages: readonly Stage[];
}

export interface Plan {
  readonly changes: readonly PlannedChange[];
  readonly up: readonly Statement[];
  /** The reverses of `changes`, last change first. */
  readonly down: readonly Statement[];
  readonly hazards: readonly Hazard[];
  /** `up` as the steps of a migration, and `down` as steps that say which up step they undo. */
  readonly steps: { readonly up: readonly PlanStep[]; readonly down: readonly PlanStep[] };
}

export interface PlanOptions {
  readonly scope: Scope;
  /** Where `shared.<table>` references point, e.g. `public`. */
  readonly sharedSchema: string;
  /**
   * The major version of the Postgres the plan is for (16 for 16.4): the dev database's when
   * generating a migration, the live server's when the SQL is for it. Below 17 a changed
   * generation expression is planned as drop and add of the column.
   */
  readonly serverMajor: number;
  /**
   * Online forms for tables that exist before the plan (the default of `generate`; off
   * with `online: false` in pgfleet.yaml): constraints NOT VALID then VALIDATE, NOT NULL
   * through a validated CHECK, UNIQUE and PRIMARY KEY through a concurrent index, indexes
   * built and dropped concurrently. A table created by the plan keeps the plain forms.
   */
  readonly online?: boolean;
  /**
   * The model the plan starts from. Online forms need it to know a partitioned parent,
   * whose indexes Postgres cannot build concurrently.
   */
  readonly before?: Model;
}

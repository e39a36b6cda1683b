import type { Change } from '../model/changes.js';
import type { HazardKind } from '../model/hazards.js';
import type { Scope } from '../model/types.js';

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
}

export interface Statement {
  readonly sql: string;
  /** False for statements Postgres refuses inside a transaction (CREATE INDEX CONCURRENTLY). */
  readonly transactional: boolean;
  /** The first Postgres major that knows this statement, when older supported ones do not. */
  readonly since?: number;
}

/** One change rendered: its up statements, the statements that undo them, and what it risks. */
export interface PlannedChange {
  readonly change: Change;
  readonly up: readonly Statement[];
  readonly down: readonly Statement[];
  /** Null when `down` restores the previous state exactly; otherwise why it cannot. */
  readonly downCaveat: string | null;
  readonly hazards: readonly Hazard[];
}

export interface Plan {
  readonly changes: readonly PlannedChange[];
  readonly up: readonly Statement[];
  /** The reverses of `changes`, last change first. */
  readonly down: readonly Statement[];
  readonly hazards: readonly Hazard[];
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
}

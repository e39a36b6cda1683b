import type { HazardKind } from '../model/hazards.js';
import type { Scope } from '../model/types.js';

/** A hazard written above a statement of a migration file (`-- hazard <kind>: <message>`). */
export interface StatementHazard {
  readonly kind: HazardKind;
  readonly message: string;
}

/** One statement of a step, with the hazards written above it. */
export interface MigrationStatement {
  /** The statement as written (with its comments), without the final `;`. */
  readonly sql: string;
  readonly hazards: readonly StatementHazard[];
}

/**
 * A unit of a migration that the ledger records: a transactional step commits with its
 * ledger row, so it happened or it did not; a non-transactional step's statements run one
 * by one and are written so that running them again is safe (the runner rebuilds an
 * INVALID index a killed concurrent build left).
 */
export interface MigrationStep {
  readonly transactional: boolean;
  /**
   * In the down section: the up step (1-based) this step undoes. A schema inside a
   * migration (up steps 1..k done) is rolled back by the down steps that undo 1..k; after
   * the down steps of step i the ledger says i - 1 steps are done. Down steps without it
   * undo step 1: they all run, and the ledger then forgets the migration.
   */
  readonly undoes?: number;
  /** The step's SQL text, as in the file (between its marker and the next). */
  readonly sql: string;
  readonly statements: readonly MigrationStatement[];
}

/**
 * One migration file of the migration directory, as read back from disk. The file is the
 * source of truth: every field except `checksum` and `path` comes from its text.
 */
export interface Migration {
  readonly scope: Scope;
  /** Digits, at least four, e.g. `0002`. */
  readonly version: string;
  /** `[a-z0-9_]+`, e.g. `add_service_capacity`. */
  readonly name: string;
  /** `<version>_<name>`, e.g. `0002_add_service_capacity`: the header's `-- pgfleet` line and the file name. */
  readonly id: string;
  /** A migration of the other scope that must be applied first (a tenant change that needs a shared one), or null. */
  readonly requires: { readonly scope: Scope; readonly version: string } | null;
  /**
   * True when each section is one transactional step (the whole migration is one
   * transaction, as every file before steps was unless its header said `transaction: false`).
   */
  readonly transactional: boolean;
  /**
   * The sections as steps (`-- +step transaction: true|false [undoes: N]` lines; a section
   * without them is one step whose mode is the `-- transaction:` header's). Absent on a
   * migration made in code (tests, the API): `migrationSteps` derives them.
   */
  readonly steps?: { readonly up: readonly MigrationStep[]; readonly down: readonly MigrationStep[] };
  /**
   * False when the migration was planned without online forms (`online: false` in
   * pgfleet.yaml, or the `-- online: false` header of a hand-written file): `migrate` then
   * does not cut its statements short with a statement_timeout. Absent means true.
   */
  readonly online?: boolean;
  /** Hazard messages; `[]` means none. */
  readonly hazards: readonly string[];
  /** Ids of the migrations a squashed migration replaces. */
  readonly replaces: readonly string[];
  /**
   * The Postgres major it was generated for, present only when its SQL needs that major
   * (`ALTER COLUMN ... SET EXPRESSION` is 17+): `migrate` and `rollback` refuse it on an
   * older server.
   */
  readonly postgres?: number;
  /** Made by `pgfleet new` for hand-written SQL: `generate` never rewrites it. */
  readonly manual: boolean;
  /** SQL text of the `-- +up` section, trimmed. */
  readonly up: string;
  /** SQL text of the `-- +down` section, trimmed. */
  readonly down: string;
  /** sha256 (hex) of the whole file text: what migration history records and compares. */
  readonly checksum: string;
  /** Relative to the migrations directory, always with `/`, e.g. `tenant/0002_add_service_capacity.sql`. */
  readonly path: string;
  /**
   * Present for a code migration (`.ts`, `.js`, `.mjs`): TypeScript or JavaScript whose `up`
   * (and `down`) run per schema instead of SQL. Its `up` and `down` text is then empty.
   */
  readonly code?: CodeMigration;
}

/** What a code migration module declares, read when the directory is read (see code-migration.ts). */
export interface CodeMigration {
  /** How to open the file: the migrations directory joined with `path` (what errors name). */
  readonly file: string;
  /** The module's text, as `pgfleet sql` prints it. */
  readonly source: string;
  /** It exports `down`: without it, `rollback` refuses to go back past it. */
  readonly reversible: boolean;
  /**
   * `export const dataOnly = true`: it only moves rows that already exist, so a tenant
   * created later (empty tables) records it as applied without running it.
   */
  readonly dataOnly: boolean;
}

/**
 * What it takes to write a migration: the rest is derived (`id`, `path`) or computed from
 * the rendered text (`checksum`). Optional fields default to no requirement, transactional,
 * no hazards, replacing nothing, not manual. A whole {@link Migration} is a valid draft.
 */
export type MigrationDraft = Pick<Migration, 'scope' | 'version' | 'name' | 'up' | 'down'> &
  Partial<Pick<Migration, 'requires' | 'transactional' | 'hazards' | 'replaces' | 'manual' | 'postgres' | 'online'>>;

/** The two lines of migrations of a directory, each ordered by version. */
export interface MigrationSet {
  shared: Migration[];
  tenant: Migration[];
}

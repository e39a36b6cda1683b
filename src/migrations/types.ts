import type { Scope } from '../model/types.js';

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
  /** False for SQL that Postgres refuses inside a transaction (CREATE INDEX CONCURRENTLY and the like). */
  readonly transactional: boolean;
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
  Partial<Pick<Migration, 'requires' | 'transactional' | 'hazards' | 'replaces' | 'manual' | 'postgres'>>;

/** The two lines of migrations of a directory, each ordered by version. */
export interface MigrationSet {
  shared: Migration[];
  tenant: Migration[];
}

import { DEFAULT_ALLOWED_HAZARDS, type HazardKind } from '../model/hazards.js';

/** How pgfleet keeps live traffic moving: online forms, allowed hazards, lock and statement timeouts. */
export interface OnlineConfig {
  /** Plan online forms for tables that exist (`online:` in pgfleet.yaml; default true). */
  readonly enabled: boolean;
  /** Hazard kinds `migrate` runs without `--allow-hazards` (default index_build, validates). */
  readonly allowHazards: readonly HazardKind[];
  /** lock_timeout of every statement (default 1 s): a statement that times out is retried. */
  readonly lockTimeoutMs: number;
  /** How long one schema keeps retrying lock timeouts before it fails (default 2 min). */
  readonly lockBudgetMs: number;
  /** statement_timeout of the statements that should be quick (default 60 s; 0: none). */
  readonly statementTimeoutMs: number;
  /** statement_timeout of VALIDATE, concurrent builds, backfills, hazards and hand-written SQL (default 0: none). */
  readonly longStatementTimeoutMs: number;
}

export interface RawOnlineConfig {
  online?: boolean;
  allowHazards?: HazardKind[];
  locks?: { timeoutMs?: number; budgetMs?: number; statementTimeoutMs?: number; longStatementTimeoutMs?: number };
}

export const DEFAULT_ONLINE: OnlineConfig = {
  enabled: true,
  allowHazards: DEFAULT_ALLOWED_HAZARDS,
  lockTimeoutMs: 1000,
  lockBudgetMs: 120_000,
  statementTimeoutMs: 60_000,
  longStatementTimeoutMs: 0,
};

/** The online settings of pgfleet.yaml with every default filled in. */
export const onlineConfig = (raw: RawOnlineConfig): OnlineConfig => ({
  enabled: raw.online ?? DEFAULT_ONLINE.enabled,
  allowHazards: raw.allowHazards ? Object.freeze([...raw.allowHazards]) : DEFAULT_ONLINE.allowHazards,
  lockTimeoutMs: raw.locks?.timeoutMs ?? DEFAULT_ONLINE.lockTimeoutMs,
  lockBudgetMs: raw.locks?.budgetMs ?? DEFAULT_ONLINE.lockBudgetMs,
  statementTimeoutMs: raw.locks?.statementTimeoutMs ?? DEFAULT_ONLINE.statementTimeoutMs,
  longStatementTimeoutMs: raw.locks?.longStatementTimeoutMs ?? DEFAULT_ONLINE.longStatementTimeoutMs,
});

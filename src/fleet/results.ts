import type { Scope } from '../model/types.js';
import type { SchemaResult } from './apply-schema.js';
import { LOCKED } from './claim.js';
import type { RunSummary } from './run.js';

/** A schema that failed before or without running anything (`migration`: the one it was about). */
export const failedResult = (
  schema: string,
  scope: Scope,
  message: string,
  migration: string | null = null,
): SchemaResult => ({
  schema,
  scope,
  status: 'failed',
  migrations: [],
  error: { migration, message },
  ms: 0,
  attempts: 0,
});

const nothingRun =
  (status: 'skipped' | 'up-to-date') =>
  (schema: string, scope: Scope): SchemaResult => ({
    schema,
    scope,
    status,
    migrations: [],
    ms: 0,
    attempts: 0,
  });
export const skippedResult = nothingRun('skipped');
export const upToDateResult = nothingRun('up-to-date');

/** A schema another pgfleet run holds, found so by a batch (its first attempt). */
export const lockedResult = (
  target: { readonly schema: string; readonly scope: Scope },
  migration: string | null,
  message: string,
): SchemaResult => ({
  schema: target.schema,
  scope: target.scope,
  status: 'locked',
  migrations: [],
  error: { migration, message, code: LOCKED },
  ms: 0,
  attempts: 1,
});

/** Whether a result counts as a failure of the run (exit code 1, `--fail-fast`). */
export const isFailure = (r: SchemaResult): boolean => r.status === 'failed' || r.status === 'locked';

/** A run's counts by status, over `schemas` schemas in all (some may have no result). */
export function summaryOf(
  results: readonly SchemaResult[],
  schemas: number,
  invalidNames: RunSummary['invalidNames'],
): RunSummary {
  const count = (s: SchemaResult['status']) => results.filter((r) => r.status === s).length;
  return {
    schemas,
    applied: count('applied'),
    upToDate: count('up-to-date'),
    failed: count('failed'),
    locked: count('locked'),
    skipped: count('skipped'),
    invalidNames,
  };
}

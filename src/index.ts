/**
 * The programmatic API of pgfleet: what the commands themselves call, for applications
 * that create a tenant at sign-up or run migrations from their own deploy code.
 *
 * @example
 * import { loadFleetProject, createTenant } from 'pgfleet';
 * // migrate, rollback, status and the tenant operations read pgfleet.yaml and the migrations only
 * const project = await loadFleetProject({ configPath: 'pgfleet.yaml' });
 * await createTenant(project, 'tenant_acme');
 */
export { type BaselineOptions, type BaselineResult, baseline } from './api/baseline.js';
export { diffSchema, type SchemaDiff } from './api/diff-schema.js';
export { type DriftGroup, type DriftOptions, type DriftResult, drift, type SchemaDrift } from './api/drift.js';
export {
  createTenant,
  dropTenant,
  type MigrateOptions,
  migrate,
  type RollbackOptions,
  rollback,
  status,
} from './api/fleet.js';
export { type GenerateOptions, type GenerateResult, generate } from './api/generate.js';
export { findMigration, newMigration, rehash } from './api/manual.js';
export {
  type FleetProject,
  loadFleetProject,
  loadProject,
  type Project,
  type ProjectOptions,
} from './api/project.js';
export { type PullOptions, type PullResult, pull } from './api/pull.js';
export { squash } from './api/squash.js';
export { type ValidateResult, validate } from './api/validate.js';
export { canonicalModel } from './devdb/canonical-model.js';
export { diff } from './diff/diff.js';
export { type Diagnostic, exitCodeFor, PgfleetError } from './errors.js';
export type { FleetStatus, RunResult, SchemaResult, SchemaStatus } from './fleet/index.js';
export { inspectSchema, inspectSchemas } from './inspect/index.js';
export type { Change } from './model/changes.js';
export type * from './model/types.js';
export { plan } from './plan/plan.js';
export type { Hazard, Plan, PlanOptions, Statement } from './plan/types.js';

export type { SchemaResult } from './apply-schema.js';
export { type FleetConnection, openFleet } from './fleet.js';
export { HISTORY, type HistoryRow, readHistory } from './history.js';
export { type SchemaState, schemaState } from './pending.js';
export {
  type PlannedSchema,
  type ProgressEvent,
  type RunOptions,
  type RunResult,
  type RunSummary,
  runFleet,
} from './run.js';
export { type FleetStatus, fleetStatus, type SchemaStatus, type StatusGroup } from './status.js';
export { LEDGER_SCHEMA, listTenants, type TenantList } from './targets.js';
export { type CreatedTenant, createTenant, dropTenant } from './tenant.js';

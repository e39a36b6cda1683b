export { checksum } from './checksum.js';
export { firstSteps } from './first-steps.js';
export { compareVersions, migrationId, migrationPath } from './migration-id.js';
export { MAX_NAME_LENGTH, migrationName } from './migration-name.js';
export { migrationSteps } from './migration-steps.js';
export { nextVersion } from './next-version.js';
export { parseMigration } from './parse-migration.js';
export { parseStepMarker, STEP_MARKER, stepMarker } from './parse-steps.js';
export { type ReadMigrationsOptions, readMigrations } from './read-migrations.js';
export { refuseNewerPostgres } from './refuse-newer-postgres.js';
export { renderMigration } from './render-migration.js';
export { renderStatements } from './render-statements.js';
export { renumber } from './renumber.js';
export { splitStatements } from './split-statements.js';
export { computeSum, SUM_FILE, verifySum, writeSum } from './sum.js';
export type {
  Migration,
  MigrationDraft,
  MigrationSet,
  MigrationStatement,
  MigrationStep,
  StatementHazard,
} from './types.js';
export { type WriteMigrationOptions, writeMigration, writeMigrations } from './write-migration.js';
export { finishInterruptedWrite, JOURNAL_FILE } from './write-together.js';

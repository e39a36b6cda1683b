/**
 * The kinds of risk a statement carries, as data: the planner attaches them, the migration
 * file carries them (`-- hazard <kind>: <message>` above the statement), and `migrate`
 * refuses a migration whose kinds are not allowed (`allowHazards`, `--allow-hazards`).
 *
 * - `blocks_writes`: holds a lock that stops INSERT/UPDATE/DELETE for as long as it works
 *   (a plain index build, a validating ADD CONSTRAINT, SET NOT NULL with a scan).
 * - `blocks_reads`: holds ACCESS EXCLUSIVE while it scans or rewrites: even SELECT waits.
 * - `rewrites_table`: the table is copied (a type change that is not binary-coercible, a
 *   volatile default on an existing table); blocks reads and writes for the copy's length.
 * - `deletes_data`: drops a table, a column or values.
 * - `index_build`: builds an index concurrently: writes go on, but it reads the table
 *   (twice) and may leave an INVALID index when interrupted (the rerun rebuilds it).
 * - `validates`: VALIDATE CONSTRAINT scans the table under SHARE UPDATE EXCLUSIVE: writes go on.
 * - `irreversible`: its down section cannot restore what was there.
 */
export const HAZARD_KINDS = [
  'blocks_writes',
  'blocks_reads',
  'rewrites_table',
  'deletes_data',
  'index_build',
  'validates',
  'irreversible',
] as const;

export type HazardKind = (typeof HAZARD_KINDS)[number];

export const isHazardKind = (k: string): k is HazardKind => (HAZARD_KINDS as readonly string[]).includes(k);

/**
 * What `migrate` runs without being asked: the online forms' own costs (a concurrent
 * build, a validation), which do not stop the application's writes.
 */
export const DEFAULT_ALLOWED_HAZARDS: readonly HazardKind[] = ['index_build', 'validates'];

import { PgfleetError } from '../errors.js';
import { formatHazards } from './hazard-list.js';
import { MIGRATION_ID, migrationId, NAME, VERSION } from './migration-id.js';
import { SECTION_MARKER } from './parse-migration.js';
import { STEP_MARKER } from './parse-steps.js';
import type { MigrationDraft } from './types.js';

/**
 * The text of a migration file, in the format of the CLI spec: a header of `-- key: value`
 * lines, then the `-- +up` and `-- +down` sections. `parseMigration` of the result gives
 * the draft back (with `up`, `down` and hazard messages trimmed).
 *
 * @example
 * renderMigration({ scope: 'tenant', version: '0002', name: 'add_capacity', up: 'ALTER TABLE ...;', down: '...;' });
 * // '-- pgfleet 0002_add_capacity\n-- scope: tenant\n-- transaction: true\n-- hazards: none\n\n-- +up\n...'
 */
export function renderMigration(m: MigrationDraft): string {
  check(m);
  const id = migrationId(m.version, m.name);
  const header = [`-- pgfleet ${id}`, `-- scope: ${m.scope}`];
  if (m.requires) header.push(`-- requires: ${m.requires.scope} ${m.requires.version}`);
  // A file made of steps says each step's mode on its `-- +step` line.
  const stepped = [m.up, m.down].some((sql) => sql.split(/\r?\n/).some((line) => STEP_MARKER.test(line.trim())));
  if (!stepped) header.push(`-- transaction: ${m.transactional ?? true}`);
  header.push(`-- hazards: ${formatHazards(m.hazards ?? [])}`);
  if (m.replaces && m.replaces.length > 0) header.push(`-- replaces: ${m.replaces.join(', ')}`);
  if (m.manual) header.push('-- manual: true');
  if (m.postgres !== undefined) header.push(`-- postgres: ${m.postgres}`);
  if (m.online === false) header.push('-- online: false');
  const section = (marker: string, sql: string) => (sql.trim() === '' ? `${marker}\n` : `${marker}\n${sql.trim()}\n`);
  return `${header.join('\n')}\n\n${section('-- +up', m.up)}\n${section('-- +down', m.down)}`;
}

/** Refuses a draft whose file could not be read back as the same migration. */
function check(m: MigrationDraft): void {
  const problems: string[] = [];
  if (!VERSION.test(m.version)) problems.push(`version "${m.version}" is not four or more digits`);
  if (!NAME.test(m.name)) problems.push(`name "${m.name}" may only hold a-z, 0-9 and _`);
  if (m.requires && !VERSION.test(m.requires.version)) {
    problems.push(`required version "${m.requires.version}" is not four or more digits`);
  }
  if (m.postgres !== undefined && !(Number.isInteger(m.postgres) && m.postgres > 0)) {
    problems.push(`postgres "${m.postgres}" is not a major version`);
  }
  for (const r of m.replaces ?? []) if (!MIGRATION_ID.test(r)) problems.push(`replaced id "${r}" is not NNNN_name`);
  for (const [section, sql] of [
    ['up', m.up],
    ['down', m.down],
  ] as const) {
    if (sql.split(/\r?\n/).some((line) => SECTION_MARKER.test(line))) {
      problems.push(`the ${section} SQL holds a line that reads as a section marker (-- +up / -- +down)`);
    }
  }
  if (problems.length > 0) {
    throw new PgfleetError(
      'input',
      `cannot write migration ${m.scope}/${migrationId(m.version, m.name)}: ${problems.join('; ')}`,
      {
        hint: 'name migrations with lower-case letters, digits and _ (e.g. --name add_capacity)',
      },
    );
  }
}

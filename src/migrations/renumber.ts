import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { PgfleetError } from '../errors.js';
import type { Scope } from '../model/types.js';
import { migrationId, migrationPath, splitId, VERSION } from './migration-id.js';
import { parseMigration } from './parse-migration.js';
import { writeFileAtomic } from './write-file-atomic.js';
import { versionTakenBy } from './write-migration.js';

/**
 * Gives migration `id` of `scope` the version `newVersion`: renames the file and rewrites
 * its `-- pgfleet` line, leaving the rest of the text as it was. This resolves a conflict
 * after two branches were merged. Returns the new path. Does not update `pgfleet.sum`
 * (call `writeSum`) nor the `-- requires:` lines of migrations that pointed at the old
 * version.
 *
 * Why rename first and rewrite second: a crash in between leaves a file whose header and
 * name disagree, which `readMigrations` refuses by name; the other order could leave two
 * valid copies of one migration that would both be applied.
 *
 * @example
 * await renumber('generated', 'tenant', '0003_add_capacity', '0004'); // 'generated/tenant/0004_add_capacity.sql'
 */
export async function renumber(dir: string, scope: Scope, id: string, newVersion: string): Promise<string> {
  const parts = splitId(id);
  if (!parts)
    throw new PgfleetError('input', `"${id}" is not a migration id NNNN_name`, { hint: 'e.g. 0003_add_capacity' });
  if (!VERSION.test(newVersion)) {
    throw new PgfleetError('input', `version "${newVersion}" is not four or more digits`, { hint: 'e.g. 0004' });
  }
  const oldRelative = migrationPath(scope, parts.version, parts.name);
  const oldPath = join(dir, oldRelative);
  const text = await readFile(oldPath, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new PgfleetError('input', `cannot read ${oldPath}: ${error.message}`, {
      hint: `check the id; \`pgfleet status\` lists the ${scope} migrations`,
      cause: error,
    });
  });
  parseMigration(text, oldRelative, oldPath);
  if (newVersion === parts.version) return oldPath;

  const newRelative = migrationPath(scope, newVersion, parts.name);
  const newPath = join(dir, newRelative);
  const taken = await versionTakenBy(dir, scope, newVersion, oldRelative);
  if (taken) {
    throw new PgfleetError(
      'input',
      `cannot renumber ${oldPath} to ${newVersion}: ${join(dir, taken)} has that version`,
      {
        hint: 'pick a free version (nextVersion of the scope)',
      },
    );
  }
  const newId = migrationId(newVersion, parts.name);
  const rewritten = text.replace(/^--[ \t]*pgfleet[ \t]+\S+/m, `-- pgfleet ${newId}`);
  await rename(oldPath, newPath);
  await writeFileAtomic(newPath, rewritten);
  return newPath;
}

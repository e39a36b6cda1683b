import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PgfleetError } from '../errors.js';
import type { Scope } from '../model/types.js';
import { listSqlFiles } from './list-files.js';
import { compareVersions, migrationPath, splitId, stripExtension } from './migration-id.js';
import { renderMigration } from './render-migration.js';
import { computeSum, SUM_FILE } from './sum.js';
import type { MigrationDraft } from './types.js';
import { writeFileAtomic } from './write-file-atomic.js';
import { type FileToWrite, finishInterruptedWrite, writeTogether } from './write-together.js';

export interface WriteMigrationOptions {
  /**
   * Replace a file already at the migration's path (`generate` regenerating its latest,
   * unapplied migration). A hand-written (`-- manual: true`) file is never replaced.
   */
  readonly overwrite?: boolean;
}

/**
 * Writes `<dir>/<scope>/<version>_<name>.sql` atomically (a crash leaves the old file or the
 * whole new one) and returns its path. Refuses a version another file of the scope already
 * has, and an existing file unless `overwrite`. Does not update `pgfleet.sum`: call
 * `writeSum` once every file of the run is written.
 *
 * @example
 * const path = await writeMigration('generated', { scope: 'tenant', version: '0002', name: 'add_capacity', up, down });
 */
export async function writeMigration(
  dir: string,
  migration: MigrationDraft,
  options: WriteMigrationOptions = {},
): Promise<string> {
  const { path, text } = await checkedFile(dir, migration, options);
  await mkdir(join(dir, migration.scope), { recursive: true });
  await writeFileAtomic(join(dir, path), text);
  return join(dir, path);
}

/**
 * Writes new migrations and the `pgfleet.sum` that accepts them as one step: a crash leaves
 * the directory as it was or with all of them and their sum, never a migration the sum does
 * not list (see `writeTogether`). Returns the paths written. `onStep` is for fault tests.
 *
 * @example
 * await writeMigrations('generated', [sharedDraft, tenantDraft]);
 */
export async function writeMigrations(
  dir: string,
  migrations: readonly MigrationDraft[],
  onStep?: (step: string) => void,
): Promise<string[]> {
  await finishInterruptedWrite(dir);
  const files: FileToWrite[] = [];
  for (const m of migrations) files.push(await checkedFile(dir, m, {}));
  const sum = await computeSum(dir, files);
  await writeTogether(dir, [...files, { path: SUM_FILE, text: sum }], onStep);
  return files.map((f) => join(dir, f.path));
}

/** The file of `migration`, after checking that it may be written (see `writeMigration`). */
async function checkedFile(dir: string, migration: MigrationDraft, options: WriteMigrationOptions) {
  const text = renderMigration(migration);
  const relative = migrationPath(migration.scope, migration.version, migration.name);
  const path = join(dir, relative);
  const taken = await versionTakenBy(dir, migration.scope, migration.version, relative);
  if (taken) {
    throw new PgfleetError(
      'input',
      `cannot write ${path}: version ${migration.version} is taken by ${join(dir, taken)}`,
      {
        hint: 'use the next free version (nextVersion), or renumber one of them with `pgfleet generate --renumber`',
      },
    );
  }
  const existing = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw new PgfleetError('input', `cannot read ${path}: ${error.message}`, { cause: error });
  });
  if (existing !== null) {
    if (/^--\s*manual:\s*true\s*$/m.test(existing)) {
      throw new PgfleetError(
        'input',
        `${path} is a hand-written migration (\`-- manual: true\`) and is never rewritten`,
        {
          hint: 'edit it by hand, or give the new migration the next free version',
        },
      );
    }
    if (!options.overwrite) {
      throw new PgfleetError('input', `${path} already exists`, {
        hint: 'give the new migration the next free version, or delete the file if it was never applied',
      });
    }
  }
  return { path: relative, text };
}

/** Another file of `scope` with the same version (by number), if any. */
export async function versionTakenBy(
  dir: string,
  scope: Scope,
  version: string,
  except: string,
): Promise<string | undefined> {
  return (await listSqlFiles(dir)).find((p) => {
    const [folder, name] = p.split('/');
    const id = name === undefined ? null : splitId(stripExtension(name));
    return folder === scope && p !== except && id !== null && compareVersions(id.version, version) === 0;
  });
}

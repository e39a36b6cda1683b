import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PgfleetError } from '../errors.js';
import { isCodeFile, SCOPES } from './migration-id.js';

/**
 * The migration files (`.sql`, and `.ts`/`.js`/`.mjs` code migrations) of a migrations directory, relative to it with `/` and sorted:
 * `shared/*.sql`, `tenant/*.sql`, and any `.sql` placed directly in the directory (which
 * `readMigrations` refuses, but the sum must still see). Hidden files (leftover
 * temporaries) are not migrations. A missing directory or scope folder holds none.
 */
export async function listSqlFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const folder of ['', ...SCOPES]) {
    for (const name of await names(join(dir, folder))) {
      // A `.d.ts` beside a migration is an editor's or compiler's artefact, not a migration.
      const migration = name.endsWith('.sql') || (isCodeFile(name) && !name.endsWith('.d.ts'));
      if (migration && !name.startsWith('.')) found.push(folder ? `${folder}/${name}` : name);
    }
  }
  return found.sort();
}

async function names(folder: string): Promise<string[]> {
  try {
    const entries = await readdir(folder, { withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => e.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new PgfleetError('input', `cannot read migrations folder ${folder}: ${(error as Error).message}`, {
      hint: 'check the `migrations` path in pgfleet.yaml and that the folder is readable',
      cause: error,
    });
  }
}

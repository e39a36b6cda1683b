import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PgfleetError } from '../errors.js';
import { cleanName } from '../migrations/drafts-for.js';
import { type Migration, nextVersion, readMigrations, writeMigrations, writeSum } from '../migrations/index.js';
import { migrationId } from '../migrations/migration-id.js';
import { writeFileAtomic } from '../migrations/write-file-atomic.js';
import type { Scope } from '../model/types.js';
import type { Project } from './project.js';

/** The version after the scope's last migration, and `name` made fit for a file name. */
async function nextInLine(dir: string, scope: Scope, name: string): Promise<{ version: string; clean: string }> {
  const set = await readMigrations(dir);
  return { version: nextVersion(set[scope]), clean: cleanName(name) };
}

/**
 * `pgfleet new`: an empty migration for hand-written SQL (data changes, backfills). It is
 * replayed like any other, and generate never rewrites it.
 */
export async function newMigration(
  project: Project,
  scope: Scope,
  name: string,
): Promise<{ id: string; path: string }> {
  const dir = project.config.migrations;
  const { version, clean } = await nextInLine(dir, scope, name);
  const [path] = await writeMigrations(dir, [
    {
      scope,
      version,
      name: clean,
      manual: true,
      up: '-- Write the forward SQL here, e.g. UPDATE ... SET ...;',
      down: '-- Write the SQL that undoes it here.',
    },
  ]);
  return { id: migrationId(version, clean), path };
}

/** What `pgfleet new --code` writes: the module shape a code migration has (see README, "Data migrations"). */
export const CODE_TEMPLATE = `import type { MigrationContext } from 'pgfleet';

// Runs once per schema, inside that schema's transaction, with the search path set to the
// tenant (then the shared schema). \`export const transaction = false\` and ctx.batches(...)
// move a large table in resumable batches instead.
export async function up({ query, schema }: MigrationContext): Promise<void> {
  /* ... */
}

// Without down the migration is irreversible: rollback refuses to go back past it.
export async function down({ query, schema }: MigrationContext): Promise<void> {
  /* ... */
}
`;

/**
 * `pgfleet new --code`: a code migration, `NNNN_name.ts` in the scope's line, from
 * {@link CODE_TEMPLATE}; pgfleet.sum is updated so the new file is accepted as it is.
 */
export async function newCodeMigration(
  project: Project,
  scope: Scope,
  name: string,
): Promise<{ id: string; path: string }> {
  const dir = project.config.migrations;
  const { version, clean } = await nextInLine(dir, scope, name);
  const id = migrationId(version, clean);
  const path = join(dir, scope, `${id}.ts`);
  await mkdir(join(dir, scope), { recursive: true });
  await writeFileAtomic(path, CODE_TEMPLATE);
  await writeSum(dir);
  return { id, path };
}

/** `pgfleet hash`: accept the directory as it is now, after a human reviewed the change. */
export async function rehash(project: Project): Promise<{ path: string; files: number }> {
  const dir = project.config.migrations;
  const set = await readMigrations(dir, { verifySum: false });
  return { path: await writeSum(dir), files: set.shared.length + set.tenant.length };
}

/** Find a migration by version (`0002`) or id (`0002_add_x`), in `scope` or in whichever scope has it. */
export async function findMigration(project: Project, ref: string, scope?: Scope): Promise<Migration> {
  const set = await readMigrations(project.config.migrations);
  const scopes: Scope[] = scope ? [scope] : ['shared', 'tenant'];
  const found = scopes.flatMap((s) =>
    set[s].filter((m) => m.id === ref || m.version === ref || Number(m.version) === Number(ref)),
  );
  if (found.length === 0) {
    throw new PgfleetError('input', `no migration ${ref}${scope ? ` in scope ${scope}` : ''}`, {
      hint: `the migrations are under ${project.config.migrations}; \`pgfleet status\` lists them`,
    });
  }
  if (found.length > 1) {
    throw new PgfleetError('input', `${ref} names a migration in both scopes: ${found.map((m) => m.path).join(', ')}`, {
      hint: 'add --scope shared or --scope tenant',
    });
  }
  return found[0];
}

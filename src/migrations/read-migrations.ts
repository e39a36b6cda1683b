import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Diagnostic } from '../errors.js';
import { PgfleetError } from '../errors.js';
import type { Scope } from '../model/types.js';
import { readCodeMigration } from './code-migration.js';
import { listSqlFiles } from './list-files.js';
import { compareVersions, isCodeFile, isScope, MIGRATION_FILE, splitId, stripExtension } from './migration-id.js';
import { ParseCache } from './parse-cache.js';
import { FORMAT_HINT } from './parse-migration.js';
import { verifySum } from './sum.js';
import type { Migration, MigrationSet } from './types.js';
import { finishInterruptedWrite } from './write-together.js';

export interface ReadMigrationsOptions {
  /** Check the files against `pgfleet.sum` (default true). */
  readonly verifySum?: boolean;
  /**
   * Take a code migration's declarations from the cache when this text was imported before,
   * importing it only when it runs (`generate`, whose replay is cached too). The fleet
   * commands leave it off: a module that no longer loads is refused before any schema is touched.
   */
  readonly codeFromCache?: boolean;
}

/**
 * Reads `<dir>/shared/*.sql` and `<dir>/tenant/*.sql`, each line ordered by version. A
 * missing directory holds no migrations. Refuses, naming each file: a file name that is not
 * `NNNN_name.sql`, a `.sql` outside the scope folders, two files with one version in a
 * scope (a merge of two branches), files that differ from `pgfleet.sum`, a file that does
 * not parse, a header scope that is not its folder, and a `requires` of a version that
 * does not exist. Code migrations (`.ts`, `.js`, `.mjs`) are imported here, so one that does
 * not load is refused before anything runs. A write that a crash interrupted (see `writeMigrations`) is finished first.
 *
 * @example
 * const { shared, tenant } = await readMigrations(config.migrations);
 * tenant.map((m) => m.id); // ['0001_initial', '0002_add_capacity']
 */
export async function readMigrations(dir: string, options: ReadMigrationsOptions = {}): Promise<MigrationSet> {
  // A `generate` killed while writing left a journal: its files are whole, so finish it first.
  await finishInterruptedWrite(dir);
  const files = await listSqlFiles(dir);
  checkNames(dir, files);
  checkConflicts(dir, files);
  if (options.verifySum ?? true) await verifySum(dir);

  const set: MigrationSet = { shared: [], tenant: [] };
  const diagnostics: Diagnostic[] = [];
  const messages: string[] = [];
  const parsed = await ParseCache.open(dir);
  for (const path of files) {
    const file = join(dir, path);
    const folder = path.split('/')[0] as Scope;
    try {
      const text = await readFile(file, 'utf8').catch((error: Error) => {
        throw new PgfleetError('input', `cannot read ${file}: ${error.message}`, { cause: error });
      });
      const m = isCodeFile(path)
        ? await readCodeMigration(text, path, file, { fromCache: options.codeFromCache })
        : parsed.parse(text, path, file);
      if (m.scope !== folder) {
        const message = `the header says \`-- scope: ${m.scope}\` but the file is in ${folder}/; move the file or fix its header`;
        const line = text.split(/\r?\n/).findIndex((l) => /^--\s*scope\s*:/.test(l.trim())) + 1;
        messages.push(`${file}:${line}: ${message}`);
        diagnostics.push({ file, line, col: 1, pointer: '', message });
      } else {
        set[folder].push(m);
      }
    } catch (error) {
      if (!(error instanceof PgfleetError)) throw error;
      messages.push(error.message);
      diagnostics.push(...error.diagnostics);
    }
  }
  if (messages.length > 0) throw new PgfleetError('input', messages.join('\n'), { hint: FORMAT_HINT, diagnostics });
  await parsed.save();

  const byVersion = (a: Migration, b: Migration) => compareVersions(a.version, b.version);
  set.shared.sort(byVersion);
  set.tenant.sort(byVersion);
  checkRequires(dir, set);
  return set;
}

function checkNames(dir: string, files: readonly string[]): void {
  const bad: string[] = [];
  for (const path of files) {
    const [folder, name] = path.split('/');
    if (name === undefined) bad.push(`${join(dir, path)}: migration files live in ${dir}/shared or ${dir}/tenant`);
    else if (!isScope(folder) || !MIGRATION_FILE.test(name)) {
      bad.push(
        `${join(dir, path)}: the name must be NNNN_name.sql, or .ts/.js/.mjs for a code migration (four or more digits, then a-z, 0-9 and _)`,
      );
    }
  }
  if (bad.length > 0) {
    throw new PgfleetError('input', `misnamed migration file(s):\n${bad.map((b) => `  ${b}`).join('\n')}`, {
      hint: 'rename the file, e.g. tenant/0003_add_capacity.sql, and change its `-- pgfleet` line to match; then run `pgfleet hash`',
    });
  }
}

/**
 * Two files with one version in a scope: almost always two branches that each generated
 * their next migration and were then merged. Caught before the sum check, whose failure
 * (a conflicted pgfleet.sum) would otherwise hide the cause.
 */
function checkConflicts(dir: string, files: readonly string[]): void {
  const groups = new Map<string, string[]>();
  for (const path of files) {
    const [folder, name] = path.split('/');
    const id = splitId(stripExtension(name));
    if (!id) continue;
    const key = `${folder}/${BigInt(id.version)}`;
    groups.set(key, [...(groups.get(key) ?? []), path]);
  }
  const conflicts = [...groups.values()].filter((paths) => paths.length > 1);
  if (conflicts.length === 0) return;
  const lines = conflicts.map((paths) => {
    const version = BigInt(splitId(stripExtension(paths[0].split('/')[1]))?.version ?? 0);
    return `  ${paths.map((p) => join(dir, p)).join(' and ')} share version ${version.toString().padStart(4, '0')}`;
  });
  throw new PgfleetError(
    'input',
    `conflicting migrations:\n${lines.join('\n')}\n` +
      'They likely come from two branches that each added their next migration and were then merged.',
    {
      hint:
        'keep the migration that was merged (or applied) first and renumber the newer one: `pgfleet generate --renumber`, ' +
        'or rename it to the next free version, change its `-- pgfleet` line to match, and run `pgfleet hash`',
    },
  );
}

/** A `requires` must name a migration that exists, or one that a squashed migration replaced. */
function checkRequires(dir: string, set: MigrationSet): void {
  const known = (scope: Scope, version: string) =>
    set[scope].some(
      (m) =>
        compareVersions(m.version, version) === 0 ||
        m.replaces.some((r) => {
          const id = splitId(r);
          return id !== null && compareVersions(id.version, version) === 0;
        }),
    );
  const bad = [...set.shared, ...set.tenant].filter((m) => m.requires && !known(m.requires.scope, m.requires.version));
  if (bad.length === 0) return;
  const diagnostics: Diagnostic[] = bad.map((m) => ({
    file: join(dir, m.path),
    line: 1,
    col: 1,
    pointer: '',
    message: `requires ${m.requires?.scope} ${m.requires?.version}, which is not in ${m.requires?.scope}/`,
  }));
  throw new PgfleetError('input', diagnostics.map((d) => `${d.file}: ${d.message}`).join('\n'), {
    hint: 'point `-- requires:` at an existing migration (after a renumber, its new version), then run `pgfleet hash`',
    diagnostics,
  });
}

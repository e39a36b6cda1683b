import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type pg from 'pg';
import { codeHash, readCacheFile, writeCacheFile } from '../cache-files.js';
import { applyStatements, type Runnable, searchPath } from '../devdb/apply.js';
import type { DevDatabase } from '../devdb/dev-database.js';
import { cacheDir } from '../devdb/embedded.js';
import { PgfleetError } from '../errors.js';
import { callCode } from '../fleet/apply-code.js';
import { migrationContext } from '../fleet/migration-context.js';
import { createLayout, type ScopedModels, type ScratchLayout, scratchLayout } from '../inspect/canonicalise.js';
import { inspectSchema } from '../inspect/index.js';
import { type Migration, type MigrationSet, migrationSteps } from '../migrations/index.js';
import { emptyModel } from '../model/build.js';

// The layout is canonicalisation's (a canonicalised scratch database is a replayed one's twin).
export { createLayout, type ScratchLayout, scratchLayout };

/** The statements of one section of a migration file, as they must be run. */
export const sectionStatements = (m: Migration, section: 'up' | 'down'): Runnable[] =>
  // Each statement in its step's mode: a non-transactional step (a concurrent build, a
  // batched backfill that commits as it goes) cannot run in a transaction block.
  migrationSteps(m)[section].flatMap((step) =>
    step.statements.map((s) => ({ sql: s.sql, transactional: step.transactional })),
  );

export const pathFor = (layout: ScratchLayout, m: { scope: 'shared' | 'tenant' }): string[] =>
  m.scope === 'shared' ? [layout.shared] : [layout.tenant, layout.shared];

/** Run one section of a migration in the scratch layout; a failure names the migration. */
export async function runSection(client: pg.ClientBase, layout: ScratchLayout, m: Migration, section: 'up' | 'down') {
  if (m.code) return runCodeSection(client, layout, m, section);
  await runStatements(m, section, () => applyStatements(client, sectionStatements(m, section), pathFor(layout, m)));
}

/** `run` (statements of `m`'s section); a failure names the migration and the failing statement. */
export async function runStatements(m: Migration, section: 'up' | 'down', run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (cause) {
    const e = cause as Error & { statement?: string };
    throw new PgfleetError('input', `replaying ${m.path} (${section}) failed: ${e.message}`, {
      hint: e.statement ? `the failing statement: ${e.statement.split('\n')[0]}` : 'fix the migration file',
      cause,
    });
  }
}

/**
 * A code migration on the scratch database: its module runs (on empty tables) in one
 * transaction with the search path of its scope, so a replayed directory is what the fleet
 * gets, and a module that fails there fails `generate` with its line.
 */
async function runCodeSection(client: pg.ClientBase, layout: ScratchLayout, m: Migration, section: 'up' | 'down') {
  const schema = m.scope === 'shared' ? layout.shared : layout.tenant;
  try {
    await client.query(`BEGIN; ${searchPath(pathFor(layout, m))}`);
    // A code migration without down leaves its data as it is: there is no schema change to undo.
    if (section === 'up' || m.code?.reversible) {
      await callCode(m, section, migrationContext(client, { schema, scope: m.scope }));
    }
    await client.query('COMMIT');
  } catch (cause) {
    await client.query('ROLLBACK').catch(() => {});
    throw new PgfleetError('input', `replaying ${m.path} (${section}) failed: ${(cause as Error).message}`, {
      hint: 'fix the code migration, then run `pgfleet hash`',
      cause,
    });
  }
}

/** Every migration up, shared first, as `migrate` applies them to a new database. */
export async function replayAll(client: pg.ClientBase, layout: ScratchLayout, set: MigrationSet): Promise<void> {
  for (const m of set.shared) await runSection(client, layout, m, 'up');
  for (const m of set.tenant) await runSection(client, layout, m, 'up');
}

export async function inspectLayout(client: pg.ClientBase, layout: ScratchLayout): Promise<ScopedModels> {
  const options = { sharedSchema: layout.shared };
  return {
    shared: await inspectSchema(client, layout.shared, options),
    tenant: await inspectSchema(client, layout.tenant, options),
  };
}

/** Replay `set` in a fresh scratch database and read the result (not cached). */
export async function replayInScratch(
  dev: DevDatabase,
  sharedSchema: string,
  set: MigrationSet,
): Promise<ScopedModels> {
  const scratch = await dev.scratch();
  try {
    const layout = scratchLayout(sharedSchema);
    await createLayout(scratch.client, layout);
    await replayAll(scratch.client, layout, set);
    return await inspectLayout(scratch.client, layout);
  } finally {
    await scratch.drop();
  }
}

// Bump when the cached model's shape or the inspector's output changes.
const CACHE_FORMAT = 2;

/**
 * The code that produces the cached models (the inspector and the model types' consumers),
 * so that a pgfleet upgrade never reads a model cached by an older inspector, even when
 * nobody remembered to bump CACHE_FORMAT.
 */
const inspectorCode = () =>
  codeHash(import.meta.url, [
    ['../inspect/', /\.(js|ts)$/],
    ['../model/', /\.(js|ts)$/],
  ]);

function cacheKey(set: MigrationSet, sharedSchema: string): string {
  const h = createHash('sha256').update(`pgfleet-replay-${CACHE_FORMAT}\0${inspectorCode()}\0${sharedSchema}\0`);
  for (const m of [...set.shared, ...set.tenant]) h.update(`${m.path}\0${m.checksum}\0`);
  return h.digest('hex');
}

/**
 * The state the migration directory produces: every migration replayed on a scratch
 * database and inspected. Cached by the directory's checksums, so a long history is
 * replayed once, not at every `generate`.
 */
export async function replayedState(dev: DevDatabase, set: MigrationSet, sharedSchema: string): Promise<ScopedModels> {
  // No migrations yet (a project being adopted): empty schemas, read as empty models.
  if (set.shared.length === 0 && set.tenant.length === 0) return { shared: emptyModel(), tenant: emptyModel() };
  const file = join(cacheDir(), 'replay', `${cacheKey(set, sharedSchema)}.json`);
  const cached = await readCacheFile<ScopedModels>(file);
  if (cached) return cached;
  const state = await replayInScratch(dev, sharedSchema, set);
  await writeCacheFile(file, state);
  return state;
}

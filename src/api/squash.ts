import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { devServerMajor } from '../devdb/server-major.js';
import { withDevDatabase } from '../devdb/with-dev-database.js';
import { diff } from '../diff/diff.js';
import { PgfleetError } from '../errors.js';
import { draftsFor } from '../migrations/drafts-for.js';
import { compareVersions, type Migration, readMigrations, writeMigration, writeSum } from '../migrations/index.js';
import { idOf } from '../migrations/migration-id.js';
import { emptyModel } from '../model/build.js';
import { sameSchema } from '../model/compare.js';
import type { Scope } from '../model/types.js';
import { plan } from '../plan/plan.js';
import { replayInScratch } from '../replay/replay.js';
import { modelPatch } from '../replay/verify.js';
import type { Project } from './project.js';

export interface SquashResult {
  readonly scope: Scope;
  readonly id: string;
  readonly replaces: readonly string[];
}

/**
 * `pgfleet squash --scope S --to V`: one migration replacing S's migrations up to V. The
 * new file carries V's version and lists what it replaces, so a schema that applied the
 * originals counts it as applied. Proven before anything is kept: the new directory must
 * replay to exactly the state the old one gave; otherwise the old files are put back.
 */
export async function squash(project: Project, scope: Scope, to: string): Promise<SquashResult> {
  const dir = project.config.migrations;
  const sharedSchema = project.config.shared.schema;
  const set = await readMigrations(dir);
  const range = set[scope].filter((m) => compareVersions(m.version, to) <= 0);
  if (range.length < 2) {
    throw new PgfleetError('input', `nothing to squash: ${scope} has ${range.length} migration(s) up to ${to}`, {
      hint: `pick a version after the second ${scope} migration`,
    });
  }
  const manual = range.filter((m: Migration) => m.manual);
  if (manual.length > 0) {
    throw new PgfleetError('input', `cannot squash hand-written migrations: ${manual.map((m) => m.path).join(', ')}`, {
      hint: 'their SQL may change data, which a squash cannot keep; squash up to the version before them',
    });
  }
  const last = range[range.length - 1];
  return withDevDatabase(project, async (dev) => {
    // The scope's state at V, with the other scope complete (tenant SQL refers to shared tables).
    const atV = (await replayInScratch(dev, sharedSchema, { ...set, [scope]: range }))[scope];
    const before = await replayInScratch(dev, sharedSchema, set);
    // A new schema needs no concurrent builds: one transactional migration.
    const model = {
      ...atV,
      tables: atV.tables.map((t) => ({ ...t, indexes: t.indexes.map((i) => ({ ...i, concurrently: false })) })),
    };
    const serverMajor = await devServerMajor(dev);
    const p = plan(diff(emptyModel(), model, { serverMajor }), { scope, sharedSchema, serverMajor });
    const requires =
      range
        .map((m) => m.requires)
        .filter((r) => r !== null)
        .at(-1) ?? null;
    const [{ draft }] = draftsFor(scope, p, [], { name: `squashed_${range[0].version}_${last.version}`, requires });
    const squashed = { ...draft, version: last.version, replaces: range.map((m) => m.id) };

    const originals = await Promise.all(
      range.map(async (m) => ({ m, text: await readFile(join(dir, m.path), 'utf8') })),
    );
    for (const { m } of originals) await rm(join(dir, m.path));
    const written = await writeMigration(dir, squashed);
    try {
      const state = await replayInScratch(dev, sharedSchema, await readMigrations(dir, { verifySum: false }));
      for (const s of ['shared', 'tenant'] as Scope[]) {
        if (!sameSchema(state[s], before[s])) {
          throw new PgfleetError('finding', `the squashed directory does not give the same ${s} schema`, {
            hint: modelPatch(s, before[s], state[s]),
          });
        }
      }
    } catch (error) {
      await rm(written, { force: true });
      for (const { m, text } of originals) await writeFile(join(dir, m.path), text);
      throw error;
    }
    await writeSum(dir);
    return { scope, id: idOf(squashed), replaces: squashed.replaces };
  });
}

import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PgfleetError } from '../errors.js';
import { type MigrationSet, readMigrations, renumber, SUM_FILE, writeSum } from '../migrations/index.js';
import { listSqlFiles } from '../migrations/list-files.js';
import { MIGRATION_FILE } from '../migrations/migration-id.js';
import { sameSchema } from '../model/compare.js';
import type { Scope } from '../model/types.js';
import { createLayout, inspectLayout, replayAll, runSection, scratchLayout } from '../replay/replay.js';
import { modelPatch } from '../replay/verify.js';
import type { Project } from './project.js';
import { withDevDatabase } from './validate.js';

export interface Renumbered {
  readonly scope: Scope;
  readonly from: string;
  readonly to: string;
}

/** Files listed in pgfleet.sum: after a merge, the one already there is the older. */
async function listedInSum(dir: string): Promise<Set<string>> {
  const text = await readFile(join(dir, SUM_FILE), 'utf8').catch(() => '');
  return new Set(text.split('\n').map((line) => line.split(' ')[0]));
}

/**
 * After two branches each added migration NNNN of a scope: keep the one pgfleet.sum already
 * listed (else the older file), give the others the next free versions, then prove the
 * result: the whole directory replays, and the moved migrations go down and up again to the
 * same state. A failure puts the files back.
 */
export async function resolveConflicts(project: Project): Promise<Renumbered[]> {
  const dir = project.config.migrations;
  const listed = await listedInSum(dir);
  const moves: Renumbered[] = [];
  for (const scope of ['shared', 'tenant'] as Scope[]) {
    const files = (await listSqlFiles(dir)).filter((p) => p.startsWith(`${scope}/`));
    const parsed = files.flatMap((path) => {
      const m = MIGRATION_FILE.exec(path.slice(scope.length + 1));
      return m ? [{ path, version: m[1], id: `${m[1]}_${m[2]}`, name: m[2] }] : [];
    });
    let max = Math.max(0, ...parsed.map((p) => Number(p.version)));
    const byVersion = new Map<number, typeof parsed>();
    for (const p of parsed) byVersion.set(Number(p.version), [...(byVersion.get(Number(p.version)) ?? []), p]);
    for (const group of byVersion.values()) {
      if (group.length < 2) continue;
      const withTime = await Promise.all(
        group.map(async (g) => ({ ...g, mtime: (await stat(join(dir, g.path))).mtimeMs })),
      );
      withTime.sort(
        (a, b) =>
          Number(listed.has(b.path)) - Number(listed.has(a.path)) || a.mtime - b.mtime || (a.id < b.id ? -1 : 1),
      );
      for (const newer of withTime.slice(1)) {
        max += 1;
        const to = String(max).padStart(4, '0');
        await renumber(dir, scope, newer.id, to);
        moves.push({ scope, from: newer.id, to: `${to}_${newer.name}` });
      }
    }
  }
  if (moves.length === 0) return [];
  try {
    const set = await readMigrations(dir, { verifySum: false });
    await verifyMoved(project, set, moves);
  } catch (error) {
    for (const move of [...moves].reverse()) await moveBack(dir, move);
    throw error;
  }
  await writeSum(dir);
  return moves;
}

/** Undo a renumbering: the old version is taken again by the conflict partner, which `renumber` refuses. */
async function moveBack(dir: string, move: Renumbered) {
  const now = join(dir, move.scope, `${move.to}.sql`);
  const text = await readFile(now, 'utf8');
  await writeFile(now, text.replace(`-- pgfleet ${move.to}`, `-- pgfleet ${move.from}`));
  await rename(now, join(dir, move.scope, `${move.from}.sql`));
}

async function verifyMoved(project: Project, set: MigrationSet, moves: readonly Renumbered[]) {
  const sharedSchema = project.config.shared.schema;
  await withDevDatabase(project, async (dev) => {
    const scratch = await dev.scratch();
    try {
      const layout = scratchLayout(sharedSchema);
      await createLayout(scratch.client, layout);
      await replayAll(scratch.client, layout, set);
      const after = await inspectLayout(scratch.client, layout);
      const moved = new Set(moves.map((m) => `${m.scope}/${m.to}`));
      const last = [...set.shared, ...set.tenant].filter((m) => moved.has(`${m.scope}/${m.id}`));
      for (const m of [...last].reverse()) await runSection(scratch.client, layout, m, 'down');
      for (const m of last) await runSection(scratch.client, layout, m, 'up');
      const again = await inspectLayout(scratch.client, layout);
      for (const scope of ['shared', 'tenant'] as Scope[]) {
        if (!sameSchema(after[scope], again[scope])) {
          throw new PgfleetError(
            'finding',
            `a renumbered ${scope} migration does not go down and up cleanly after the others`,
            {
              hint: modelPatch(scope, after[scope], again[scope]),
            },
          );
        }
      }
    } finally {
      await scratch.drop();
    }
  });
}

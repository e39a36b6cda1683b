import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withDevDatabase } from '../devdb/with-dev-database.js';
import { readMigrations, renumber, SUM_FILE, writeSum } from '../migrations/index.js';
import { listSqlFiles } from '../migrations/list-files.js';
import { MIGRATION_FILE, migrationId } from '../migrations/migration-id.js';
import type { Scope } from '../model/types.js';
import { verifyRenumbered } from '../replay/verify.js';
import type { Project } from './project.js';

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
      return m ? [{ path, version: m[1], id: migrationId(m[1], m[2]), name: m[2] }] : [];
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
        moves.push({ scope, from: newer.id, to: migrationId(to, newer.name) });
      }
    }
  }
  if (moves.length === 0) return [];
  try {
    const set = await readMigrations(dir, { verifySum: false });
    await withDevDatabase(project, (dev) =>
      verifyRenumbered(
        dev,
        project.config.shared.schema,
        set,
        moves.map((m) => `${m.scope}/${m.to}`),
      ),
    );
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

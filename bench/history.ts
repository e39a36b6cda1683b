import { diff } from '../src/diff/diff.js';
import { draftsFor } from '../src/migrations/drafts-for.js';
import { writeMigration, writeSum } from '../src/migrations/index.js';
import { emptyModel } from '../src/model/build.js';
import type { Model } from '../src/model/types.js';
import { plan } from '../src/plan/plan.js';
import { type BenchProject, benchProject } from './project.js';
import { majorOf } from './server.js';
import { extraColumn, tableName, tenantYaml } from './synthetic-yaml.js';

export interface HistorySize {
  readonly tables: number;
  readonly migrations: number;
}

/**
 * The tenant model after migration `k` of the history: tables are created one per
 * migration (1..tables), then each later migration adds one column (`extra_<j>`).
 */
function modelAt(final: Model, size: HistorySize, k: number): Model {
  const extrasDone = Math.max(0, k - size.tables);
  const extraNumber = (name: string) => (name.startsWith('extra_') ? Number(name.slice(6)) : 0);
  return {
    ...final,
    tables: final.tables
      .slice(0, Math.min(k, size.tables))
      .map((t) => ({ ...t, columns: t.columns.filter((c) => extraNumber(c.name) <= extrasDone) })),
  };
}

/**
 * A project with a long history: a `tables`-table tenant model reached by `migrations`
 * migrations (one table each, then one column each), written as `generate` would write
 * them, so that `generate` for the next change has that history to replay.
 */
export async function historyProject(o: {
  databaseUrl: string;
  devDatabase: string;
  size: HistorySize;
  dir?: string;
}): Promise<BenchProject> {
  const { size } = o;
  if (size.migrations < size.tables) throw new Error('the history needs at least one migration per table');
  const yaml = tenantYaml({ tables: size.tables, extras: size.migrations - size.tables });
  const p = await benchProject({
    databaseUrl: o.databaseUrl,
    devDatabase: o.devDatabase,
    match: 'hist\\_%',
    tenantYaml: yaml,
    dir: o.dir,
  });
  if (o.dir) return p;
  const project = await p.load();
  const options = { sharedSchema: project.config.shared.schema, serverMajor: await majorOf(o.devDatabase) };
  const shared = draftsFor('shared', plan(diff(emptyModel(), project.shared), { scope: 'shared', ...options }), [], {
    name: 'initial',
    requires: null,
  });
  for (const { draft } of shared) await writeMigration(p.migrations, draft);
  let previous = emptyModel();
  for (let k = 1; k <= size.migrations; k++) {
    const next = modelAt(project.tenant, size, k);
    const name = k <= size.tables ? `create ${tableName(k - 1)}` : `add ${extraColumn(k - size.tables)}`;
    const drafts = draftsFor('tenant', plan(diff(previous, next), { scope: 'tenant', ...options }), [], {
      name,
      requires: null,
    });
    if (drafts.length !== 1) throw new Error(`history migration ${k} came out as ${drafts.length} files`);
    await writeMigration(p.migrations, { ...drafts[0].draft, version: String(k).padStart(4, '0') });
    previous = next;
  }
  await writeSum(p.migrations);
  return p;
}

/** The change `generate` is timed on: a column with a default and an index on the first table. */
export const historyChange = (size: HistorySize): string =>
  tenantYaml({ tables: size.tables, extras: size.migrations - size.tables, capacity: true });

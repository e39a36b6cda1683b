import type pg from 'pg';
import { applyStatements, searchPath } from '../devdb/apply.js';
import { type Migration, migrationSteps } from '../migrations/index.js';
import type { DetectedRewrite } from '../plan/detected-rewrites.js';
import { pathFor, runSection, runStatements, type ScratchLayout } from './replay.js';

/**
 * What the catalog showed for each migration (by path) that rewrote a table: the statements
 * after which a table that existed before had new storage (0-based up step and statement).
 */
export type Rewrites = ReadonlyMap<string, readonly DetectedRewrite[]>;

interface Watched {
  readonly table: string;
  /** Null for the table itself. */
  readonly index: string | null;
  relfilenode: string;
}

/** A result row of the snapshot query sent between statements. */
const MARK = 'pgfleet_rewrite_snapshot';

// Keys: a table's oid, and `<table oid>:<name>` for its indexes (an ALTER TYPE recreates an
// index under a new oid, but keeps its name).
const snapshotSql = (oids: readonly string[]) => {
  const list = oids.join(', ');
  return `SELECT 1 AS ${MARK}, c.oid::int8::text AS key, c.relfilenode::int8::text AS relfilenode
    FROM pg_catalog.pg_class c WHERE c.oid IN (${list})
  UNION ALL
  SELECT 1, x.indrelid::int8::text || ':' || i.relname, i.relfilenode::int8::text
    FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid WHERE x.indrelid IN (${list})`;
};

async function tablesOf(client: pg.ClientBase, layout: ScratchLayout): Promise<Map<string, Watched>> {
  // Plain tables and partitions only: a partitioned parent, a view or a sequence has no
  // table storage to copy. (A SET TABLESPACE moves the files too, and counts.)
  const { rows } = await client.query<{ oid: string; relname: string }>(
    `SELECT c.oid::int8::text AS oid, c.relname
       FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND n.nspname = ANY($1)`,
    [[layout.shared, layout.tenant]],
  );
  const watched = new Map<string, Watched>();
  if (rows.length === 0) return watched;
  const names = new Map(rows.map((r) => [r.oid, r.relname]));
  for (const r of (await client.query<Row>(snapshotSql(rows.map((t) => t.oid)))).rows) {
    const [oid, index] = r.key.split(/:(.*)/s);
    watched.set(r.key, { table: names.get(oid) ?? oid, index: index ?? null, relfilenode: r.relfilenode });
  }
  return watched;
}

type Row = { key: string; relfilenode: string };

/** The snapshots' rows from the results of one multi-statement message, in order. */
function snapshots(result: pg.QueryResult | pg.QueryResult[]): Row[][] {
  const all = Array.isArray(result) ? result : [result];
  return all.filter((r) => r.fields?.[0]?.name === MARK).map((r) => r.rows as Row[]);
}

/**
 * An index with new storage after a statement that did not copy its table was rebuilt by
 * it: an ALTER TABLE (a collation change, a type change that keeps the table) holds ACCESS
 * EXCLUSIVE while it builds. The plan's own index work (a concurrent build under a name
 * freed by a rename, USING INDEX taking a constraint's name) is not such a rebuild.
 */
const rebuildsIndexes = (sql: string) =>
  /^ALTER\s+TABLE\b/i.test(sql.replace(/^(\s*--[^\n]*\n)+/, '').trim()) && !/\bUSING\s+INDEX\b/i.test(sql);

/**
 * Run `migrations` up (in the order given) in the scratch layout, as the verification's first
 * pass does, and say which statements made Postgres rewrite a table that was there before.
 *
 * This is the catalog's word, not a rule's: Postgres gives a table a new relfilenode whenever
 * it copies it (a type change that is not binary-coercible, a column added with a volatile
 * default, SET LOGGED/UNLOGGED, SET TABLESPACE, SET ACCESS METHOD), even when the table is
 * empty, as the scratch tables are; and an index it rebuilds gets one too. It costs one catalog row set per statement, sent in the
 * same message as the step's statements, so it adds no round trip to a transactional step.
 */
export async function upDetectingRewrites(
  client: pg.ClientBase,
  layout: ScratchLayout,
  migrations: readonly Migration[],
): Promise<Rewrites> {
  const watched = await tablesOf(client, layout);
  const found = new Map<string, DetectedRewrite[]>();
  if (watched.size === 0) {
    for (const m of migrations) await runSection(client, layout, m, 'up');
    return found;
  }
  const snapshot = snapshotSql([...watched.keys()].filter((k) => !k.includes(':')));
  for (const m of migrations) {
    if (m.code) {
      await runSection(client, layout, m, 'up');
      continue;
    }
    const path = pathFor(layout, m);
    const rewrites: DetectedRewrite[] = [];
    const compare = (rows: readonly Row[], step: number, statement: number, sql: string) => {
      const copied = new Set<string>();
      const changed = rows.flatMap((r) => {
        const w = watched.get(r.key);
        if (!w || w.relfilenode === r.relfilenode) return [];
        w.relfilenode = r.relfilenode;
        if (w.index === null) copied.add(w.table);
        return [w];
      });
      for (const w of changed) {
        if (w.index === null) rewrites.push({ step, statement, table: w.table });
        else if (!copied.has(w.table) && rebuildsIndexes(sql))
          rewrites.push({ step, statement, table: w.table, index: w.index });
      }
    };
    for (const [stepIndex, step] of migrationSteps(m).up.entries()) {
      const runnables = step.statements.map((s) => ({ sql: s.sql, transactional: step.transactional }));
      if (!step.transactional) {
        for (const [i, s] of runnables.entries()) {
          await runStatements(m, 'up', () => applyStatements(client, [s], path));
          compare((await client.query<Row>(snapshot)).rows, stepIndex, i, s.sql);
        }
        continue;
      }
      // A statement may end in a `--` comment: its `;` goes on a line of its own.
      const body = runnables.map((s) => `${s.sql}\n;\n${snapshot};`).join('\n');
      let result: pg.QueryResult | pg.QueryResult[];
      try {
        result = (await client.query(`BEGIN;\n${searchPath(path)};\n${body}\nCOMMIT;`)) as unknown as
          | pg.QueryResult
          | pg.QueryResult[];
      } catch {
        // Rejected (and rolled back): run the step the usual way, which names the failing statement.
        await client.query('ROLLBACK').catch(() => {});
        await runStatements(m, 'up', () => applyStatements(client, runnables, path));
        continue;
      }
      for (const [i, rows] of snapshots(result).entries()) compare(rows, stepIndex, i, runnables[i].sql);
    }
    if (rewrites.length > 0) found.set(m.path, rewrites);
  }
  return found;
}

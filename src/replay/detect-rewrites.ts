import type pg from 'pg';
import { applyStatements, searchPath } from '../devdb/apply.js';
import { type Migration, migrationSteps } from '../migrations/index.js';
import type { DetectedRewrite } from '../plan/detected-rewrites.js';
import { literal } from '../plan/quote.js';
import { pathFor, runSection, runStatements, type ScratchLayout } from './replay.js';

/**
 * What the catalog showed for each migration (by path) that rewrote a table: the statements
 * after which a table that existed before had new storage (0-based up step and statement).
 */
export type Rewrites = ReadonlyMap<string, readonly DetectedRewrite[]>;

/** A result row of the snapshot query sent between statements. */
const MARK = 'pgfleet_rewrite_snapshot';
const BASE = 'pg_temp.pgfleet_storage_before';

// The storage of every table of the layout and of its indexes before the migrations, in a
// temporary table: an index by its table and name, since an ALTER TYPE recreates it under a
// new oid. (A partitioned parent, a view or a sequence has no table storage to copy.)
const BASELINE = `CREATE TEMP TABLE ${BASE.slice('pg_temp.'.length)} (tbl oid NOT NULL, tname name NOT NULL, idx name NOT NULL, relfilenode oid NOT NULL);
INSERT INTO ${BASE} SELECT c.oid, c.relname, '', c.relfilenode
  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind = 'r' AND n.nspname = ANY($1);
INSERT INTO ${BASE} SELECT b.tbl, b.tname, i.relname, i.relfilenode
  FROM ${BASE} b JOIN pg_catalog.pg_index x ON x.indrelid = b.tbl JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid;
ANALYZE ${BASE}`;

// What has new storage since the baseline (cumulative: the caller keeps what it has seen).
const SNAPSHOT = `SELECT 1 AS ${MARK}, b.tname AS "table", NULL::name AS index, c.relfilenode::int8::text AS relfilenode
  FROM ${BASE} b JOIN pg_catalog.pg_class c ON c.oid = b.tbl WHERE b.idx = '' AND c.relfilenode <> b.relfilenode
UNION ALL
SELECT 1, b.tname, b.idx, i.relfilenode::int8::text
  FROM ${BASE} b JOIN pg_catalog.pg_index x ON x.indrelid = b.tbl
  JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid AND i.relname = b.idx
 WHERE b.idx <> '' AND i.relfilenode <> b.relfilenode`;

type Row = { table: string; index: string | null; relfilenode: string };

/** The snapshots' rows from the results of one multi-statement message, in order. */
function snapshots(result: pg.QueryResult | pg.QueryResult[]): Row[][] {
  const all = Array.isArray(result) ? result : [result];
  return all.filter((r) => r.fields?.[0]?.name === MARK).map((r) => r.rows as Row[]);
}

/**
 * Statements that cannot give a table that exists new storage: they create, drop, comment
 * or grant. Only after the others is the catalog read (each read costs a few milliseconds
 * on a schema of hundreds of tables).
 */
const cannotCopy = (sql: string) =>
  /^(CREATE|DROP|COMMENT|GRANT|REVOKE)\b/i.test(sql.replace(/^(\s*--[^\n]*\n)+/, '').trim());

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
 * empty, as the scratch tables are; and an index it rebuilds gets one too. It costs a
 * catalog read after each statement that could copy a table, sent in the same message as
 * the step's statements, so it adds no round trip to a transactional step.
 */
export async function upDetectingRewrites(
  client: pg.ClientBase,
  layout: ScratchLayout,
  migrations: readonly Migration[],
): Promise<Rewrites> {
  const found = new Map<string, DetectedRewrite[]>();
  const schemas = `ARRAY[${[layout.shared, layout.tenant].map(literal).join(', ')}]::name[]`;
  await client.query(`DROP TABLE IF EXISTS ${BASE};\n${BASELINE.replace('$1', schemas)}`);
  const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${BASE}`);
  if (rows[0].n === 0) {
    // No table was there before: nothing to watch, nothing to read.
    await client.query(`DROP TABLE ${BASE}`);
    for (const m of migrations) await runSection(client, layout, m, 'up');
    return found;
  }
  const seen = new Map<string, string>();
  try {
    for (const m of migrations) {
      if (m.code) {
        await runSection(client, layout, m, 'up');
        continue;
      }
      const path = pathFor(layout, m);
      const rewrites: DetectedRewrite[] = [];
      const compare = (rows: readonly Row[], step: number, statement: number, sql: string) => {
        const changed = rows.filter((r) => {
          const key = `${r.table}\0${r.index ?? ''}`;
          if (seen.get(key) === r.relfilenode) return false;
          seen.set(key, r.relfilenode);
          return true;
        });
        const copied = new Set(changed.filter((r) => r.index === null).map((r) => r.table));
        for (const r of changed) {
          if (r.index === null) rewrites.push({ step, statement, table: r.table });
          else if (!copied.has(r.table) && rebuildsIndexes(sql))
            rewrites.push({ step, statement, table: r.table, index: r.index });
        }
      };
      for (const [stepIndex, step] of migrationSteps(m).up.entries()) {
        const runnables = step.statements.map((s) => ({ sql: s.sql, transactional: step.transactional }));
        const watched = runnables.flatMap((s, i) => (cannotCopy(s.sql) ? [] : [i]));
        if (!step.transactional) {
          for (const [i, s] of runnables.entries()) {
            await runStatements(m, 'up', () => applyStatements(client, [s], path));
            if (watched.includes(i)) compare((await client.query<Row>(SNAPSHOT)).rows, stepIndex, i, s.sql);
          }
          continue;
        }
        // A statement may end in a `--` comment: its `;` goes on a line of its own.
        const body = runnables.map((s, i) => `${s.sql}\n;${watched.includes(i) ? `\n${SNAPSHOT};` : ''}`).join('\n');
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
        for (const [k, rows] of snapshots(result).entries()) {
          compare(rows, stepIndex, watched[k], runnables[watched[k]].sql);
        }
      }
      if (rewrites.length > 0) found.set(m.path, rewrites);
    }
  } finally {
    await client.query(`DROP TABLE IF EXISTS ${BASE}`).catch(() => {});
  }
  return found;
}

import type pg from 'pg';

const NAME = String.raw`("(?:[^"]|"")+"|[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*)`;
const BUILD = new RegExp(
  String.raw`^CREATE\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY\s+(?:IF\s+NOT\s+EXISTS\s+)?${NAME}\s+ON\b`,
  'i',
);
const DROP = new RegExp(String.raw`^DROP\s+INDEX\s+CONCURRENTLY\s+(?!IF\s+EXISTS\b)${NAME}\s*$`, 'i');

/** The statement without the comment lines above it (hazards). */
const code = (sql: string) => sql.replace(/^(\s*--[^\n]*\n)+/, '').trim();

/**
 * Makes a statement of a non-transactional step safe to run again, before it runs: such a
 * step may have been interrupted (a killed run, a cut connection) after some of its work.
 * A concurrent build that was interrupted leaves an INVALID index of its name, which is
 * dropped so the build can run; a valid one means the build finished, and it is skipped.
 * A concurrent drop of an index that is gone is skipped. Names are resolved by the
 * search path, which is the schema's. Returns whether to run the statement.
 */
export async function prepareRerun(client: pg.ClientBase, sql: string): Promise<boolean> {
  const text = code(sql);
  const build = BUILD.exec(text);
  if (build) {
    const r = await client.query<{ valid: boolean }>(
      'SELECT x.indisvalid AS valid FROM pg_catalog.pg_index x WHERE x.indexrelid = pg_catalog.to_regclass($1)',
      [build[1]],
    );
    if (r.rows.length === 0) return true;
    if (r.rows[0].valid) return false;
    await client.query(`DROP INDEX CONCURRENTLY ${build[1]}`);
    return true;
  }
  const drop = DROP.exec(text);
  if (drop) {
    const r = await client.query('SELECT pg_catalog.to_regclass($1) IS NOT NULL AS there', [drop[1]]);
    return r.rows[0].there === true;
  }
  return true;
}

/**
 * After a concurrent build failed (a duplicate key, a cancelled statement), Postgres leaves
 * its index INVALID: it is dropped at once, so the schema stays at its recorded step. (A
 * killed run cannot do this; its rerun does, see `prepareRerun`.)
 */
export async function cleanUpFailedBuild(client: pg.ClientBase, sql: string): Promise<void> {
  const build = BUILD.exec(code(sql));
  if (!build) return;
  await client.query('ROLLBACK').catch(() => {});
  const r = await client
    .query<{ valid: boolean }>(
      'SELECT x.indisvalid AS valid FROM pg_catalog.pg_index x WHERE x.indexrelid = pg_catalog.to_regclass($1)',
      [build[1]],
    )
    .catch(() => null);
  if (r && r.rows.length > 0 && !r.rows[0].valid) {
    await client.query(`DROP INDEX CONCURRENTLY IF EXISTS ${build[1]}`).catch(() => {});
  }
}

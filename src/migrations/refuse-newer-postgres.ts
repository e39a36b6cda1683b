import { PgfleetError } from '../errors.js';
import type { Migration } from './types.js';

/**
 * Refuses, before anything runs, migrations generated for a newer Postgres than the server
 * (`-- postgres: 17` on a 16 server): their SQL would fail in every schema.
 */
export function refuseNewerPostgres(migrations: readonly Migration[], serverMajor: number): void {
  const newer = [...new Map(migrations.map((m) => [m.path, m])).values()].filter(
    (m) => m.postgres !== undefined && m.postgres > serverMajor,
  );
  if (newer.length === 0) return;
  const written = Math.max(...newer.map((m) => m.postgres ?? 0));
  throw new PgfleetError(
    'input',
    `${newer.length} migration(s) need Postgres ${written} or later and this server runs ${serverMajor}; nothing was run`,
    {
      diagnostics: newer.map((m) => ({
        file: m.path,
        line: 1,
        col: 1,
        pointer: '',
        message: `${m.path} was generated for Postgres ${m.postgres} (its SQL needs it), the server runs ${serverMajor}`,
      })),
      hint:
        `if no database has applied them, delete these files and run \`pgfleet generate\` again with the dev database at Postgres ${serverMajor} ` +
        `(PGFLEET_PG_VERSION=${serverMajor} for the embedded one, or devDatabase: <url of a ${serverMajor} server> in pgfleet.yaml); ` +
        'otherwise write the change for this server by hand with `pgfleet new`',
    },
  );
}

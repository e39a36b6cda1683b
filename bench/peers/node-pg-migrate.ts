import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runner } from 'node-pg-migrate';
import pg from 'pg';
import { ident } from '../../src/plan/quote.js';

const TABLE = 'pgmigrations';
const silent = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * node-pg-migrate 9 applying a migration schema by schema, as a Node team runs it for a
 * schema-per-tenant app: a loop over the tenants calling `runner` with `schema` set (its
 * own history table and advisory lock in each schema), here over one shared connection,
 * its best case. The migrations are the same SQL files pgfleet generated, in its `.sql`
 * format (`-- Up Migration` / `-- Down Migration`).
 */
export interface NodePgMigratePeer {
  /** Mark `done` as already run in every schema (untimed), like a fleet that ran it. */
  setup(schemas: readonly string[]): Promise<void>;
  /** Apply every pending migration to each schema in turn. */
  run(schemas: readonly string[]): Promise<void>;
  /** Forget the last migration in each schema's table (its SQL is undone by the caller). */
  forgetSql(schema: string): string;
  /** Its history table in `schema`, dropped once the figure is done: drift must find the fleet clean. */
  dropSql(schema: string): string;
  close(): Promise<void>;
}

export async function nodePgMigrate(
  url: string,
  migrations: ReadonlyArray<{ readonly name: string; readonly up: string; readonly down: string }>,
): Promise<NodePgMigratePeer> {
  const dir = await mkdtemp(join(tmpdir(), 'pgfleet-npm-'));
  await mkdir(dir, { recursive: true });
  for (const m of migrations)
    await writeFile(join(dir, `${m.name}.sql`), `-- Up Migration\n${m.up}\n\n-- Down Migration\n${m.down}\n`);
  const client = new pg.Client(url);
  await client.connect();
  const [first, last] = [migrations[0], migrations[migrations.length - 1]];
  return {
    async setup(schemas) {
      for (let i = 0; i < schemas.length; i += 500) {
        const sql = schemas
          .slice(i, i + 500)
          .map(
            (s) =>
              `CREATE TABLE IF NOT EXISTS ${ident(s)}.${TABLE} (id SERIAL PRIMARY KEY, name varchar(255) NOT NULL, run_on timestamp NOT NULL);\n` +
              `INSERT INTO ${ident(s)}.${TABLE} (name, run_on) SELECT '${first.name}', now() WHERE NOT EXISTS (SELECT FROM ${ident(s)}.${TABLE})`,
          )
          .join(';\n');
        await client.query(`BEGIN;\n${sql};\nCOMMIT;`);
      }
    },
    async run(schemas) {
      for (const schema of schemas) {
        await runner({
          dbClient: client,
          dir,
          direction: 'up',
          migrationsTable: TABLE,
          schema,
          checkOrder: true,
          logger: silent,
        });
      }
    },
    forgetSql: (schema) => `DELETE FROM ${ident(schema)}.${TABLE} WHERE name = '${last.name}';\n`,
    dropSql: (schema) => `DROP TABLE IF EXISTS ${ident(schema)}.${TABLE};\n`,
    async close() {
      await client.end();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

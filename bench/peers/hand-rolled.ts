import pg from 'pg';
import { ident } from '../../src/plan/quote.js';

const TABLE = 'schema_migrations';

/**
 * The per-schema runner Node teams write by hand for schema-per-tenant apps: for each
 * schema a connection, `SET search_path`, make sure its migrations table exists, read what
 * ran, and apply what did not, each migration with its history row in a transaction.
 */
export const handRolled = {
  /** Mark `name` as already run in every schema (untimed). */
  async setup(url: string, schemas: readonly string[], name: string): Promise<void> {
    const client = new pg.Client(url);
    await client.connect();
    try {
      for (let i = 0; i < schemas.length; i += 500) {
        const sql = schemas
          .slice(i, i + 500)
          .map(
            (s) =>
              `CREATE TABLE IF NOT EXISTS ${ident(s)}.${TABLE} (name text PRIMARY KEY, run_on timestamptz NOT NULL DEFAULT now());\n` +
              `INSERT INTO ${ident(s)}.${TABLE} (name) VALUES ('${name}') ON CONFLICT DO NOTHING`,
          )
          .join(';\n');
        await client.query(`BEGIN;\n${sql};\nCOMMIT;`);
      }
    } finally {
      await client.end();
    }
  },

  async run(
    url: string,
    schemas: readonly string[],
    migrations: ReadonlyArray<{ readonly name: string; readonly up: string }>,
  ): Promise<void> {
    for (const schema of schemas) {
      const client = new pg.Client(url);
      await client.connect();
      try {
        await client.query(`SET search_path TO ${ident(schema)}, public`);
        await client.query(
          `CREATE TABLE IF NOT EXISTS ${TABLE} (name text PRIMARY KEY, run_on timestamptz NOT NULL DEFAULT now())`,
        );
        const done = new Set(
          (await client.query<{ name: string }>(`SELECT name FROM ${TABLE}`)).rows.map((r) => r.name),
        );
        for (const m of migrations) {
          if (done.has(m.name)) continue;
          await client.query('BEGIN');
          try {
            await client.query(m.up);
            await client.query(`INSERT INTO ${TABLE} (name) VALUES ($1)`, [m.name]);
            await client.query('COMMIT');
          } catch (error) {
            await client.query('ROLLBACK');
            throw error;
          }
        }
      } finally {
        await client.end();
      }
    }
  },

  forgetSql: (schema: string, name: string): string =>
    `DELETE FROM ${ident(schema)}.${TABLE} WHERE name = '${name}';\n`,

  /** Its history table in `schema`, dropped once the figure is done: drift must find the fleet clean. */
  dropSql: (schema: string): string => `DROP TABLE IF EXISTS ${ident(schema)}.${TABLE};\n`,
};

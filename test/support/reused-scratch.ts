import type { DevDatabase, ScratchDatabase } from '../../src/devdb/dev-database.js';
import { connect, databaseUrl } from '../../src/devdb/dev-database.js';
import { ident } from '../../src/plan/quote.js';

const SYSTEM = "nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'";

/**
 * A dev database for tests that hands out the same few scratch databases again, emptied,
 * instead of creating one per canonicalisation: CREATE DATABASE costs ~170 ms and takes a
 * checkpoint, which serialises parallel test files, and a convergence run needs two.
 * Emptying drops every non-system schema (extensions created in them go with them).
 */
export function reusedScratch(serverUrl: string): DevDatabase {
  const idle: ScratchDatabase[] = [];
  const all: { name: string; client: ScratchDatabase['client'] }[] = [];
  let counter = 0;

  async function fresh(): Promise<ScratchDatabase> {
    const name = `pgfleet_reused_${process.pid}_${counter++}`;
    const admin = await connect(serverUrl, 'the dev database');
    try {
      await admin.query(`CREATE DATABASE ${ident(name)} TEMPLATE template0 ENCODING 'UTF8'`);
    } finally {
      await admin.end();
    }
    const url = databaseUrl(serverUrl, name);
    const client = await connect(url, 'the dev database');
    all.push({ name, client });
    const scratch: ScratchDatabase = {
      url,
      client,
      async drop() {
        await client.query('DISCARD ALL');
        const { rows } = await client.query<{ name: string }>(
          `SELECT nspname AS name FROM pg_namespace WHERE ${SYSTEM}`,
        );
        for (const { name: schema } of rows) await client.query(`DROP SCHEMA ${ident(schema)} CASCADE`);
        idle.push(scratch);
      },
    };
    return scratch;
  }

  return {
    url: serverUrl,
    scratch: async () => idle.pop() ?? fresh(),
    async close() {
      const admin = await connect(serverUrl, 'the dev database');
      try {
        for (const { name, client } of all) {
          await client.end().catch(() => {});
          await admin.query(`DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`);
        }
      } finally {
        await admin.end();
      }
    },
  };
}

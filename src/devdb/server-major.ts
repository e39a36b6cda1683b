import type pg from 'pg';
import { connect, type DevDatabase } from './dev-database.js';

/** The major version of the server `client` is connected to, e.g. 16 (from `server_version_num`, 160004). */
export async function serverMajor(client: pg.ClientBase): Promise<number> {
  const { rows } = await client.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
  return Math.floor(Number(rows[0].v) / 10_000);
}

const devMajors = new Map<string, Promise<number>>();

/**
 * The major of the dev database's server: the major the migrations generated on it are
 * written for. Read once per server.
 */
export function devServerMajor(dev: DevDatabase): Promise<number> {
  let major = devMajors.get(dev.url);
  if (major === undefined) {
    major = (async () => {
      const client = await connect(dev.url, 'the dev database');
      try {
        return await serverMajor(client);
      } finally {
        await client.end();
      }
    })();
    devMajors.set(dev.url, major);
    // A failed read is not remembered: the next call tries again.
    major.catch(() => devMajors.delete(dev.url));
  }
  return major;
}

import type pg from 'pg';
import type { Config } from '../config/config.js';
import { connect } from '../devdb/dev-database.js';

/**
 * The coordinator's connection, opened while a command still reads its migration files, so
 * that a backend start and authentication (20 ms and more) overlap the reading instead of
 * following it. `openFleet` takes it as its coordinator: a database that cannot be reached
 * fails there, with the error it always had. Opening sends no statement, so a command that
 * stops on bad input first (exit 2) has changed nothing; `release` then closes it unused.
 */
export interface EarlyConnection {
  /** The connection for `url`, once: later calls, and other URLs, get null. */
  take(url: string): Promise<pg.Client> | null;
  /** Close it if nothing took it. */
  release(): void;
}

/** Start connecting to the fleet's database when it has exactly one (several are opened as they come). */
export function connectEarly(config: Pick<Config, 'databases'>): EarlyConnection | null {
  if (config.databases.length !== 1) return null;
  const url = config.databases[0].url;
  const client = connect(url);
  // Awaited by whoever takes it; until then a failure must not count as unhandled.
  client.catch(() => {});
  let taken = false;
  return {
    take(u) {
      if (taken || u !== url) return null;
      taken = true;
      return client;
    },
    release() {
      if (taken) return;
      taken = true;
      client.then((c) => c.end()).catch(() => {});
    },
  };
}

/** `work` while the fleet's one database connects (see connectEarly); closed after it unless openFleet took it. */
export async function withEarlyConnection<T>(
  config: Pick<Config, 'databases'>,
  work: (early: EarlyConnection | null) => Promise<T>,
): Promise<T> {
  const early = connectEarly(config);
  try {
    return await work(early);
  } finally {
    early?.release();
  }
}

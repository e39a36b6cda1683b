import pg from 'pg';
import { PgfleetError } from '../errors.js';
import { ident } from '../plan/quote.js';
import { dockerImage, startContainer } from './container.js';
import { type EmbeddedServer, startEmbedded } from './embedded.js';

/** A private database on the dev server, for one canonicalisation or verification. */
export interface ScratchDatabase {
  readonly url: string;
  readonly client: pg.Client;
  drop(): Promise<void>;
}

/** The scratch Postgres: embedded by default, or a server given by URL. */
export interface DevDatabase {
  /** URL of the server's maintenance database. */
  readonly url: string;
  scratch(): Promise<ScratchDatabase>;
  close(): Promise<void>;
}

let counter = 0;

export function databaseUrl(serverUrl: string, database: string): string {
  const u = new URL(serverUrl);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

/** Connect, turning a refused or unreachable server into a `connection` error with a hint. */
export async function connect(url: string, what = 'the database'): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (cause) {
    await client.end().catch(() => {});
    const u = safeUrl(url);
    throw new PgfleetError('connection', `could not connect to ${what} at ${u}: ${(cause as Error).message}`, {
      hint: 'check that the server is running and the URL (--database-url, DATABASE_URL or pgfleet.yaml) is right',
      cause,
    });
  }
  // A dropped connection must reject the running query, not crash the process.
  client.on('error', () => {});
  return client;
}

/** The URL without its password, for messages. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<invalid url>';
  }
}

/**
 * Open the dev database named by `devDatabase` in pgfleet.yaml: `embedded` starts a private
 * embedded Postgres, `docker:IMAGE` a throw-away container of IMAGE (both stopped by
 * `close()`), anything else is a server URL.
 */
export async function openDevDatabase(spec: string = 'embedded'): Promise<DevDatabase> {
  let server: Pick<EmbeddedServer, 'url' | 'stop'> | null = null;
  let url = spec;
  const image = dockerImage(spec);
  if (image !== null) {
    server = await startContainer(image);
    url = server.url;
  } else if (spec === 'embedded') {
    try {
      server = await startEmbedded();
    } catch (cause) {
      throw new PgfleetError('connection', `could not start the embedded dev Postgres: ${(cause as Error).message}`, {
        hint: 'set devDatabase in pgfleet.yaml to the URL of a Postgres server you can create databases on',
        cause,
      });
    }
    url = server.url;
  }
  const serverUrl = url;
  return {
    url: serverUrl,
    async scratch() {
      const name = `pgfleet_scratch_${process.pid}_${Date.now().toString(36)}_${counter++}`;
      const admin = await connect(serverUrl, 'the dev database');
      try {
        await admin.query(`CREATE DATABASE ${ident(name)} TEMPLATE template0 ENCODING 'UTF8'`);
      } finally {
        await admin.end();
      }
      const dbUrl = databaseUrl(serverUrl, name);
      const client = await connect(dbUrl, 'the dev database');
      return {
        url: dbUrl,
        client,
        async drop() {
          await client.end().catch(() => {});
          const a = await connect(serverUrl, 'the dev database');
          try {
            await a.query(`DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`);
          } finally {
            await a.end();
          }
        },
      };
    },
    async close() {
      await server?.stop();
    },
  };
}

import pg from 'pg';
import { PgfleetError } from '../errors.js';
import { ident } from '../plan/quote.js';
import { dockerImage, startContainer } from './container.js';
import { type EmbeddedServer, startEmbedded } from './embedded.js';
import { claimSpare, discard } from './spare-databases.js';
import { obtainWarmServer } from './warm-server.js';
import { warmDevDatabaseEnabled } from './warm-setting.js';

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
 * embedded Postgres (stopped by `close()`) of `major` (pgfleet.yaml's `postgres:`, production's
 * major; default PGFLEET_PG_VERSION, else the one the package ships), or, when the warm server
 * is on (the CLI without `--no-warm`, see warm-setting.ts), the warm one of that major;
 * `docker:IMAGE` starts a throw-away container of IMAGE (stopped by `close()`, see
 * container.ts); anything else is a server URL.
 */
export async function openDevDatabase(
  spec: string = 'embedded',
  options: { major?: number } = {},
): Promise<DevDatabase> {
  let server: Pick<EmbeddedServer, 'url' | 'stop'> | null = null;
  let url = spec;
  let warm = false;
  const image = dockerImage(spec);
  if (image !== null) {
    server = await startContainer(image);
    url = server.url;
  } else if (spec === 'embedded') {
    warm = warmDevDatabaseEnabled();
    let started: Pick<EmbeddedServer, 'url' | 'stop'>;
    try {
      // The warm server outlives this process: closing lets go of it instead of stopping it.
      started = warm
        ? await obtainWarmServer(options.major).then((w) => ({ url: w.url, stop: w.release }))
        : await startEmbedded(options.major);
    } catch (cause) {
      throw new PgfleetError('connection', `could not start the embedded dev Postgres: ${(cause as Error).message}`, {
        hint: 'set devDatabase in pgfleet.yaml to the URL of a Postgres server you can create databases on',
        cause,
      });
    }
    server = started;
    url = started.url;
  }
  const serverUrl = url;
  // One maintenance connection for every scratch database this command takes and gives
  // back: a connection costs a backend start (tens of milliseconds on a busy machine), and
  // `generate` takes several.
  let admin: Promise<pg.Client> | null = null;
  const adminClient = () => {
    admin ??= connect(serverUrl, 'the dev database');
    // A failed connect is not kept: the next scratch tries again.
    admin.catch(() => {
      admin = null;
    });
    return admin;
  };
  return {
    url: serverUrl,
    async scratch() {
      const name = `pgfleet_scratch_${process.pid}_${Date.now().toString(36)}_${counter++}`;
      const a = await adminClient();
      // The warm server's watchdog keeps empty databases ready (spare-databases.ts).
      if (!(warm && (await claimSpare(a, name))))
        await a.query(`CREATE DATABASE ${ident(name)} TEMPLATE template0 ENCODING 'UTF8'`);
      const dbUrl = databaseUrl(serverUrl, name);
      const client = await connect(dbUrl, 'the dev database');
      return {
        url: dbUrl,
        client,
        async drop() {
          await client.end().catch(() => {});
          const a = await adminClient();
          // On the warm server the watchdog drops it in the background: DROP DATABASE
          // takes from a tenth of a second to over one on a busy machine, a rename milliseconds.
          if (!(warm && (await discard(a, name)))) await a.query(`DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`);
        },
      };
    },
    async close() {
      const a = admin;
      admin = null;
      if (a) await (await a.catch(() => null))?.end().catch(() => {});
      await server?.stop();
    },
  };
}

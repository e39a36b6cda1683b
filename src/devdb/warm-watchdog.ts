/**
 * The warm dev server's owner, a detached process started by `obtainWarmServer`
 * (`node warm-watchdog.js <dir> <major> <idleMs>`): it starts the embedded server, publishes
 * it in `<dir>/server.json`, tells its parent over IPC, then watches. It stops the server
 * when nothing has held a lease for `idleMs`, on SIGTERM/SIGINT, and exits (cleaning up)
 * when the server dies.
 */
import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { type EmbeddedServer, startEmbedded } from './embedded.js';
import { dropAbandoned, refillSpares } from './spare-databases.js';
import { alive, lastUsed, liveLeases, readServerInfo, type WarmServerInfo, warmKey, withLock } from './warm-server.js';

const [dir, majorArg, idleArg] = process.argv.slice(2);
const major = Number(majorArg);
const idleMs = Number(idleArg);
const TICK_MS = 1000;
/** Empty databases kept ready: `validate` takes two, `generate` a few. */
const SPARES = 4;

let server: EmbeddedServer | null = null;
let info: WarmServerInfo | null = null;
let exiting = false;

async function forget(): Promise<void> {
  const now = await readServerInfo(dir);
  if (now?.pid === process.pid) await rm(join(dir, 'server.json'), { force: true });
}

async function shutdown(code: number): Promise<never> {
  exiting = true;
  await forget().catch(() => {});
  await admin?.end().catch(() => {});
  await server?.stop().catch(() => {});
  process.exit(code);
}

async function publish(s: WarmServerInfo): Promise<void> {
  const tmp = join(dir, `server.json.${process.pid}`);
  await writeFile(tmp, JSON.stringify(s));
  await rename(tmp, join(dir, 'server.json'));
}

/**
 * Idle: withdraw server.json under the lock, then look at the leases again. A command takes
 * its lease before it reads server.json, so one that read it before the withdrawal holds a
 * lease by now, and the server is published again; one that reads it after starts its own.
 */
async function stopIfIdle(s: WarmServerInfo): Promise<void> {
  const started = Date.parse(s.started);
  if ((await liveLeases(dir)) > 0 || Date.now() - (await lastUsed(dir, started)) < idleMs) return;
  const stop = await withLock(dir, async () => {
    await forget();
    if ((await liveLeases(dir)) === 0) return true;
    await publish(s);
    return false;
  });
  if (stop) await shutdown(0);
}

/**
 * Keep spare databases ready and drop the scratch databases of commands that died. One
 * connection for the server's life; a failure is logged and retried on the next tick.
 */
let admin: pg.Client | null = null;
async function tidy(url: string): Promise<void> {
  if (!admin) {
    const c = new pg.Client({ connectionString: url });
    c.on('error', () => {});
    await c.connect();
    admin = c;
  }
  try {
    await refillSpares(admin, SPARES);
    await dropAbandoned(admin, alive);
  } catch (error) {
    await admin.end().catch(() => {});
    admin = null;
    throw error;
  }
}

async function main(): Promise<void> {
  process.on('SIGTERM', () => void shutdown(0));
  process.on('SIGINT', () => void shutdown(0));
  // The parent disconnects once the server is ready; that must not end this process.
  process.on('disconnect', () => {});
  try {
    server = await startEmbedded(major);
  } catch (error) {
    process.send?.({ error: (error as Error).message });
    process.exit(1);
  }
  info = {
    url: server.url,
    pid: process.pid,
    postmaster: server.pid ?? 0,
    key: warmKey(major),
    started: new Date().toISOString(),
  };
  await publish(info);
  process.send?.({ ready: info });
  console.log(`${info.started} warm Postgres ${major} at port ${server.port} (postmaster ${info.postmaster})`);
  // Died (killed, out of memory): clean up so that the next command starts a new one.
  void server.exited?.then(() => {
    if (exiting) return;
    console.log(`${new Date().toISOString()} the server exited; cleaning up`);
    void shutdown(1);
  });
  const s = info;
  const tick = async () => {
    if (exiting) return;
    await tidy(s.url).catch((e) => console.log(`spare databases: ${(e as Error).message}`));
    await stopIfIdle(s).catch((e) => console.log(`idle check: ${(e as Error).message}`));
    setTimeout(tick, TICK_MS);
  };
  void tick();
}

await main();

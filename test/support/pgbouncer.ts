import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { chmod, chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/devdb/embedded.js';

/**
 * A real PgBouncer (Debian's `pgbouncer` package) in transaction mode in front of the test
 * server, for the pooler suite (test/pooler/). Its pool is smaller than pgfleet's
 * concurrency, so pgfleet's client connections share server connections the way they do
 * in production, and whatever session state pgfleet leaves behind reaches another client.
 */
export interface Pgbouncer {
  /** The URL of `database` through the pooler (same user and password as the server's URL). */
  url(database: string): string;
  readonly port: number;
  /** Its log so far (stderr), for a failing test's message. */
  log(): string;
  stop(): Promise<void>;
}

const CANDIDATES = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer', '/usr/local/bin/pgbouncer'];

/** The pgbouncer binary, or null when the package is not installed. */
export function pgbouncerBinary(): string | null {
  for (const path of CANDIDATES) {
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {}
  }
  try {
    return execFileSync('sh', ['-c', 'command -v pgbouncer'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

/** Why the pooler suite is skipped here, or null when it can run. */
export const pgbouncerMissing = (): string | null =>
  pgbouncerBinary() === null
    ? 'pgbouncer is not installed: the pooler suite is skipped (apt-get install pgbouncer; .ci/run installs it)'
    : null;

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** PgBouncer refuses to run as root; as root it is told to switch to this user. */
function unprivilegedUser(): { name: string; uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  for (const name of ['postgres', 'nobody']) {
    try {
      const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }));
      const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }));
      return { name, uid, gid };
    } catch {}
  }
  throw new Error('running as root, and neither a postgres nor a nobody user exists for pgbouncer to run as');
}

const quoted = (s: string) => `"${s.replace(/"/g, '""')}"`;

/**
 * Start PgBouncer in transaction mode on a free loopback port in front of the server at
 * `serverUrl`, every database of it reachable by name (`* =`), in its own temporary
 * directory. Clients log in with the server URL's user and password (SCRAM, checked by
 * PgBouncer against its auth file); PgBouncer logs in to the server with the same.
 */
export async function startPgbouncer(serverUrl: string, options: { poolSize?: number } = {}): Promise<Pgbouncer> {
  const binary = pgbouncerBinary();
  if (!binary) throw new Error(pgbouncerMissing() ?? 'pgbouncer is not installed');
  const server = new URL(serverUrl);
  const user = decodeURIComponent(server.username);
  const password = decodeURIComponent(server.password);
  const dir = await mkdtemp(join(tmpdir(), 'pgfleet-pgbouncer-'));
  const port = await freePort();
  const runAs = unprivilegedUser();
  const config = `[databases]
* = host=${server.hostname} port=${server.port || 5432}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${port}
unix_socket_dir =
auth_type = scram-sha-256
auth_file = ${join(dir, 'userlist.txt')}
pool_mode = transaction
default_pool_size = ${options.poolSize ?? 2}
min_pool_size = 0
reserve_pool_size = 0
max_client_conn = 500
admin_users = ${user}
pidfile = ${join(dir, 'pgbouncer.pid')}
${runAs ? `user = ${runAs.name}\n` : ''}`;
  await writeFile(join(dir, 'pgbouncer.ini'), config);
  await writeFile(join(dir, 'userlist.txt'), `${quoted(user)} ${quoted(password)}\n`);
  if (runAs) {
    // It reads its files again after switching user (on reload); let it.
    await chmod(dir, 0o755);
    for (const f of ['', 'pgbouncer.ini', 'userlist.txt']) await chown(join(dir, f), runAs.uid, runAs.gid);
  }
  let log = '';
  const child: ChildProcess = spawn(binary, [join(dir, 'pgbouncer.ini')], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => {
    log += d;
  });
  child.stderr?.on('data', (d: Buffer) => {
    log += d;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (const deadline = Date.now() + 15_000; !(await accepts(port)); ) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
      throw new Error(
        `pgbouncer did not start (exit ${child.exitCode}): ${log.trim().split('\n').slice(-5).join(' | ')}`,
      );
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  let stopping: Promise<void> | null = null;
  return {
    port,
    url(database: string) {
      const u = new URL(serverUrl);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      u.pathname = `/${encodeURIComponent(database)}`;
      return u.toString();
    },
    log: () => log,
    stop() {
      stopping ??= (async () => {
        // SIGTERM: immediate shutdown (SIGINT would wait for clients to finish).
        if (child.exitCode === null) {
          child.kill('SIGTERM');
          await exited;
        }
        await rm(dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

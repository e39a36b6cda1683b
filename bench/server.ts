import { execFileSync } from 'node:child_process';
import os from 'node:os';
import pg from 'pg';
import { databaseUrl } from '../src/devdb/dev-database.js';
import { startEmbedded } from '../src/devdb/embedded.js';
import { serverMajor } from '../src/devdb/server-major.js';
import { ident } from '../src/plan/quote.js';

/** The server every figure runs on, and the benchmark's own database on it. */
/** `sql` on a connection of its own to `serverUrl` (CREATE/DROP DATABASE and the like). */
export async function onServer(serverUrl: string, sql: string): Promise<void> {
  const admin = new pg.Client(serverUrl);
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

export interface BenchServer {
  /** The server's maintenance database: the dev database of the bench projects. */
  readonly serverUrl: string;
  /** A database of its own, so BENCH_DATABASE_URL's other databases are never touched. */
  readonly url: string;
  readonly version: string;
  readonly embedded: boolean;
  stop(): Promise<void>;
}

export const BENCH_DATABASE = `pgfleet_bench_${process.pid}`;

/** Start a private embedded Postgres 17 (or use BENCH_DATABASE_URL) and create the bench database. */
export async function startBenchServer(): Promise<BenchServer> {
  const given = process.env.BENCH_DATABASE_URL;
  const embedded = given ? null : await startEmbedded();
  const serverUrl = given ?? embedded!.url;
  const admin = new pg.Client(serverUrl);
  await admin.connect();
  let version: string;
  try {
    version = (await admin.query('SHOW server_version')).rows[0].server_version;
    await admin.query(`DROP DATABASE IF EXISTS ${ident(BENCH_DATABASE)} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${ident(BENCH_DATABASE)}`);
  } finally {
    await admin.end();
  }
  return {
    serverUrl,
    url: databaseUrl(serverUrl, BENCH_DATABASE),
    version,
    embedded: embedded !== null,
    async stop() {
      // A private server goes with its data directory; dropping the database first would only
      // delete the same hundreds of thousands of files more slowly.
      if (embedded) return embedded.stop();
      const a = new pg.Client(serverUrl);
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${ident(BENCH_DATABASE)} WITH (FORCE)`).catch(() => {});
      await a.end();
    },
  };
}

export interface HostInfo {
  readonly cores: number;
  readonly cpu: string;
  readonly memoryGiB: number;
  readonly node: string;
  readonly platform: string;
}

export function hostInfo(): HostInfo {
  return {
    cores: os.availableParallelism?.() ?? os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

/** The commit the figures were measured at (with `+dirty` when the tree has changes). */
export function commitOf(cwd: string): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${sha}+dirty` : sha;
  } catch {
    return 'unknown';
  }
}

/** The Postgres major of the server at `url`: what the plans of the figures are made for. */
export async function majorOf(url: string): Promise<number> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return await serverMajor(client);
  } finally {
    await client.end();
  }
}

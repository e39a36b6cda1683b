import { type ChildProcess, spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type pg from 'pg';
import { expect } from 'vitest';
import { migrate } from '../../src/api/fleet.js';
import { newMigration, rehash } from '../../src/api/manual.js';
import { ident } from '../../src/plan/quote.js';
import { fleetProject } from '../fleet/fleet-project.js';

export const BIN = join(import.meta.dirname, '..', '..', 'bin', 'run.js');

/** Tenant names of a fault fleet: `tenant_01` ... */
export const tenantNames = (n: number): string[] =>
  Array.from({ length: n }, (_, i) => `tenant_${String(i + 1).padStart(2, '0')}`);

export type FaultFleet = Awaited<ReturnType<typeof fleetProject>> & { readonly tenants: readonly string[] };

/** A fleet of `n` tenant schemas on `url`, migrated to the first model version. */
export async function faultFleet(client: pg.Client, url: string, n = 50, config?: string): Promise<FaultFleet> {
  const fleet = await fleetProject(url, config);
  const tenants = tenantNames(n);
  await client.query(tenants.map((t) => `CREATE SCHEMA ${ident(t)}`).join(';\n'));
  await fleet.version(0);
  expect((await migrate(await fleet.project())).summary.failed).toBe(0);
  return { ...fleet, tenants };
}

/**
 * A hand-written tenant migration `name` with `up` and `down` SQL (a `pg_sleep` in it makes
 * a run slow enough for a fault to land inside it), accepted into pgfleet.sum.
 */
export async function handWritten(fleet: FaultFleet, name: string, up: string, down: string): Promise<string> {
  const made = await newMigration(await fleet.project(), 'tenant', name);
  const text = await readFile(made.path, 'utf8');
  await writeFile(made.path, text.replace(/-- \+up[\s\S]*$/, `-- +up\n${up}\n\n-- +down\n${down}\n`));
  await rehash(await fleet.project());
  return made.id;
}

/**
 * A hand-written tenant migration that adds `column` to services_service after 50 ms per
 * schema, so that a fault lands while tenants are being worked on (`slowDown`: its down
 * section waits too, for faults during a rollback). Returns its version.
 */
export async function slowMarker(fleet: FaultFleet, name: string, column: string, slowDown = false): Promise<string> {
  const id = await handWritten(
    fleet,
    name,
    `SELECT pg_sleep(0.05);\nALTER TABLE services_service ADD COLUMN ${column} integer;`,
    `${slowDown ? 'SELECT pg_sleep(0.05);\n' : ''}ALTER TABLE services_service DROP COLUMN ${column};`,
  );
  return id.slice(0, 4);
}

/** The pgfleet CLI on the fleet's project, as a child process that a test may kill. */
export const spawnCli = (fleet: FaultFleet, args: readonly string[]): ChildProcess =>
  spawn(process.execPath, [BIN, ...args, '--config', join(fleet.dir, 'pgfleet.yaml')], {
    cwd: fleet.dir,
    stdio: 'ignore',
    env: { ...process.env, DATABASE_URL: '' },
  });

export async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }
}

export const exited = (child: ChildProcess): Promise<number | null> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((r) => child.once('exit', (code) => r(code)));

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Poll `probe` every 10 ms until it is true (or `ms` pass); true when it became true. The
 * default is long: on a loaded CI machine the CLI alone can take many seconds to start.
 */
export async function until(probe: () => Promise<boolean>, ms = 120_000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(10)) if (await probe()) return true;
  return false;
}

/**
 * Wait until no other connection is left on the test database: a backend of a killed
 * process finishes the statement it was running (Postgres notices the dead client only
 * then), and until it does it still holds its locks.
 */
export async function quiet(client: pg.Client): Promise<void> {
  const ok = await until(async () => {
    const r = await client.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    );
    return r.rows[0].n === 0;
  });
  expect(ok, 'backends of the killed run did not end').toBe(true);
}

/** A small seeded PRNG (mulberry32), so a failing fault run can be replayed with its seed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed of this run: PGFLEET_FAULT_SEED, or a fixed one so CI is repeatable. */
export const faultSeed = (): number => Number(process.env.PGFLEET_FAULT_SEED ?? 20261122);

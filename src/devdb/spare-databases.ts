import type pg from 'pg';
import { ident, literal } from '../plan/quote.js';

/**
 * Empty databases that the warm server's watchdog creates ahead of time, so that a command's
 * scratch database costs a rename (milliseconds) instead of a CREATE DATABASE (which copies
 * template0 through the WAL: 0.1 s on an idle machine, over a second on a busy one; `validate`
 * makes one).
 */
const SPARE = 'pgfleet_spare_';

/**
 * Take a spare database as `name`, or return false when there is none left. Two commands
 * may race for one spare: the rename is atomic and the loser tries the next.
 */
export async function claimSpare(admin: pg.ClientBase, name: string): Promise<boolean> {
  const { rows } = await admin.query<{ datname: string }>(
    `SELECT datname FROM pg_database WHERE starts_with(datname, ${literal(SPARE)}) ORDER BY datname`,
  );
  for (const { datname } of rows) {
    try {
      await admin.query(`ALTER DATABASE ${ident(datname)} RENAME TO ${ident(name)}`);
      return true;
    } catch {
      // Taken by another command meanwhile (or being dropped): try the next.
    }
  }
  return false;
}

/** Create spares until there are `count` (one CREATE DATABASE at a time: it is background work). */
export async function refillSpares(admin: pg.ClientBase, count: number): Promise<void> {
  const { rows } = await admin.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_database WHERE starts_with(datname, ${literal(SPARE)})`,
  );
  for (let i = rows[0].n; i < count; i++) {
    const name = `${SPARE}${process.pid}_${Date.now().toString(36)}_${i}`;
    await admin.query(`CREATE DATABASE ${ident(name)} TEMPLATE template0 ENCODING 'UTF8'`);
  }
}

/** A command's scratch database (see dev-database.ts). */
const SCRATCH = 'pgfleet_scratch_';
/** Scratch databases given back, for the watchdog to drop (see `discard`). */
const DISCARDED = 'pgfleet_discarded_';

/**
 * Give back the scratch database `name` (its own connection already closed) by renaming it
 * for the watchdog to drop, or return false when the rename failed (then drop it yourself).
 */
export async function discard(admin: pg.ClientBase, name: string): Promise<boolean> {
  try {
    await admin.query(`ALTER DATABASE ${ident(name)} RENAME TO ${ident(`${DISCARDED}${name.slice(SCRATCH.length)}`)}`);
    return true;
  } catch {
    return false;
  }
}

/**
 * Drop the databases commands gave back (`discard`), and the scratch databases of commands
 * that ended without giving them back (killed, crashed).
 */
export async function dropAbandoned(admin: pg.ClientBase, alive: (pid: number) => boolean): Promise<void> {
  const { rows } = await admin.query<{ datname: string }>(
    `SELECT datname FROM pg_database
     WHERE starts_with(datname, ${literal(SCRATCH)}) OR starts_with(datname, ${literal(DISCARDED)})`,
  );
  for (const { datname } of rows) {
    const pid = Number(/^pgfleet_scratch_(\d+)_/.exec(datname)?.[1]);
    if (datname.startsWith(DISCARDED) || (pid > 0 && !alive(pid)))
      await admin.query(`DROP DATABASE IF EXISTS ${ident(datname)} WITH (FORCE)`);
  }
}

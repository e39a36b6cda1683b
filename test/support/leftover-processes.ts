import { readdirSync, readFileSync } from 'node:fs';

export interface Leftover {
  readonly pid: number;
  readonly command: string;
}

/**
 * Postgres servers and warm-server watchdogs that a test run started and left running: the
 * processes whose environment carries `PGFLEET_TEST_RUN=<run>` (every process the run
 * starts inherits it, detached ones too), so that other runs on the same machine are not
 * counted. Linux only (/proc); elsewhere it finds nothing.
 */
export function leftoverProcesses(run: string): Leftover[] {
  const found: Leftover[] = [];
  let pids: string[] = [];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return found;
  }
  for (const p of pids) {
    const pid = Number(p);
    if (pid === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${p}/environ`, 'utf8').split('\0');
      if (!environ.includes(`PGFLEET_TEST_RUN=${run}`)) continue;
      const command = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').join(' ').trim();
      if (/\bpostgres\b|warm-watchdog/.test(command)) found.push({ pid, command });
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

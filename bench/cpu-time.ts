import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's times (USER_HZ: 100 on every Linux that matters). */
const HZ = 100;

/** utime, stime, cutime, cstime and the parent of /proc/<pid>/stat (the name may hold spaces). */
function stat(pid: number): { ppid: number; own: number; reaped: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // f[0] is field 3 (state): ppid is field 4, utime..cstime are fields 14..17.
    return { ppid: Number(f[1]), own: Number(f[11]) + Number(f[12]), reaped: Number(f[13]) + Number(f[14]) };
  } catch {
    return null;
  }
}

/**
 * CPU milliseconds a Postgres server has used so far: the postmaster, its live children
 * (backends, checkpointer, walwriter, autovacuum) and those that exited (a closed
 * connection's backend). On a machine shared with other work the wall time of DDL swings
 * with the load; the CPU it takes does much less, so a before/after comparison reads it too.
 * Null where /proc is not there (not Linux) or the server is not a local process.
 */
export function serverCpuMs(postmaster: number | undefined): number | null {
  if (postmaster === undefined) return null;
  const main = stat(postmaster);
  if (!main) return null;
  let ticks = main.own + main.reaped;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = stat(Number(name));
    if (s?.ppid === postmaster) ticks += s.own + s.reaped;
  }
  return (ticks * 1000) / HZ;
}

/** CPU milliseconds this process has used so far (user and system). */
export function ownCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

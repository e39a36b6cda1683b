import { type ChildProcess, spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Restarts the Postgres server at `url` on the same data directory and port, as an operator
 * (or a crash and a supervisor) would: `fast` shuts down cleanly, aborting every open
 * transaction; `immediate` kills it, so that it starts with crash recovery. Works on a server
 * this test process owns (an embedded one); returns the new postmaster, which the caller
 * stops when done (see `stopRestarted`).
 */
export async function restartServer(
  url: string,
  how: 'fast' | 'immediate',
  downMs = 0,
): Promise<{ postmaster: ChildProcess }> {
  const admin = new pg.Client(url);
  await admin.connect();
  const dataDir = (await admin.query('SHOW data_directory')).rows[0].data_directory as string;
  await admin.end();
  const pid = Number((await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  // postmaster.opts holds the command line the server was started with: `/bin/postgres "-D" "dir" ...`.
  const opts = await readFile(join(dataDir, 'postmaster.opts'), 'utf8');
  const command = opts.split(' ')[0];
  const args = [...opts.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]);
  process.kill(pid, how === 'fast' ? 'SIGINT' : 'SIGQUIT');
  for (const end = Date.now() + 30_000; alive(pid); ) {
    if (Date.now() > end) throw new Error(`postgres ${pid} did not stop`);
    await new Promise((r) => setTimeout(r, 20));
  }
  if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
  // Postgres refuses to run as root: run it as the owner of its data directory.
  const { uid, gid } = await stat(dataDir);
  const postmaster = spawn(command, args, {
    ...(process.getuid?.() === 0 ? { uid, gid } : {}),
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LC_ALL: 'C' },
  });
  await new Promise<void>((resolve, reject) => {
    let log = '';
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('ready to accept connections')) {
        postmaster.stderr?.off('data', onData);
        postmaster.stderr?.resume();
        postmaster.stdout?.resume();
        resolve();
      }
    };
    postmaster.stderr?.on('data', onData);
    postmaster.once('exit', (code) => reject(new Error(`restarted postgres exited (${code}): ${log.slice(-500)}`)));
  });
  return { postmaster };
}

/** Stop a postmaster that `restartServer` started. */
export async function stopRestarted(postmaster: ChildProcess): Promise<void> {
  if (postmaster.exitCode !== null || postmaster.signalCode !== null) return;
  const exited = new Promise((r) => postmaster.once('exit', r));
  postmaster.kill('SIGINT');
  await exited;
}

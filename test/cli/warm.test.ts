import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheDir } from '../../src/devdb/embedded.js';
import { alive, readServerInfo, stopWarmServers, type WarmServerInfo } from '../../src/devdb/warm-server.js';
import { runCli } from './run-cli.js';

const repo = join(import.meta.dirname, '..', '..');

/**
 * The warm dev server through the CLI, in a cache directory of this file's own (so that
 * nothing here touches a developer's warm server), stopped at the end.
 */
describe('the warm dev database', () => {
  let cache = '';
  let project = '';
  const env = () => ({ PGFLEET_WARM: '', PGFLEET_CACHE_DIR: cache });
  const warmDirs = async () => (await readdir(join(cache, 'warm')).catch(() => [])).map((k) => join(cache, 'warm', k));
  const server = async (): Promise<WarmServerInfo | null> => {
    const dirs = await warmDirs();
    expect(dirs.length).toBeLessThanOrEqual(1);
    return dirs[0] ? readServerInfo(dirs[0]) : null;
  };
  const validate = async (...flags: string[]) => {
    const r = await runCli(['validate', ...flags], { cwd: project, env: env() });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return r;
  };

  beforeAll(async () => {
    cache = await mkdtemp(join(tmpdir(), 'pgfleet-warm-test-'));
    // Run as root, the server runs as the postgres user, which must enter the cache dir.
    await chmod(cache, 0o755);
    // The initdb'ed template of the shared cache (the global setup made one), copied: ~10x faster than initdb.
    const template = join(cacheDir(), 'pg17-template');
    // `cp -a` keeps the postgres user's ownership (run as root) and the 0700 mode.
    if (existsSync(template)) execFileSync('cp', ['-a', template, join(cache, 'pg17-template')]);
    project = await mkdtemp(join(tmpdir(), 'pgfleet-warm-project-'));
    await cp(join(repo, 'schema'), join(project, 'schema'), { recursive: true });
    await cp(join(repo, 'pgfleet.yaml'), join(project, 'pgfleet.yaml'));
  });

  afterAll(async () => {
    const s = await server().catch(() => null);
    await stopWarmServers(join(cache, 'warm'));
    if (s) expect(alive(s.pid) || alive(s.postmaster)).toBe(false);
    await rm(cache, { recursive: true, force: true });
    await rm(project, { recursive: true, force: true });
  });

  it('is not used with --no-warm', async () => {
    await validate('--no-warm');
    expect(await warmDirs()).toEqual([]);
  });

  it('is started once when two commands start at once, and kept for the next', async () => {
    await Promise.all([validate(), validate()]);
    const first = await server();
    expect(first).not.toBeNull();
    expect(alive(first!.pid) && alive(first!.postmaster)).toBe(true);
    const [dir] = await warmDirs();
    const log = await readFile(join(dir, 'watchdog.log'), 'utf8');
    expect(log.match(/warm Postgres/g)).toHaveLength(1);
    expect(await readdir(join(dir, 'leases'))).toEqual([]);
    await validate();
    expect((await server())?.postmaster).toBe(first!.postmaster);
  });

  it('keeps empty databases ready for the scratch databases of the next command', async () => {
    const s = (await server())!;
    const client = new pg.Client(s.url);
    await client.connect();
    try {
      const names = async () =>
        (
          await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'pgfleet\\_%'")
        ).rows.map((r) => r.datname);
      const spares = async () => (await names()).filter((n) => n.startsWith('pgfleet_spare_'));
      // The commands before gave back databases too (pgfleet_discarded_*): wait for the spares.
      for (let i = 0; i < 100 && (await spares()).length < 4; i++) await new Promise((r) => setTimeout(r, 100));
      const before = await names();
      expect(before.filter((n) => n.startsWith('pgfleet_spare_')).length).toBeGreaterThanOrEqual(4);
      await validate();
      // validate took a spare (renamed) and gave it back renamed for the watchdog to drop:
      // none of its scratch databases is left, and the one it gave back goes soon.
      const after = await names();
      expect(after.filter((n) => n.startsWith('pgfleet_scratch_'))).toEqual([]);
      expect(before.filter((n) => !after.includes(n)).length).toBeGreaterThanOrEqual(1);
      const discarded = async () => (await names()).filter((n) => n.startsWith('pgfleet_discarded_'));
      for (let i = 0; i < 100 && (await discarded()).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
      expect(await discarded()).toEqual([]);
    } finally {
      await client.end();
    }
  });

  it('is replaced when it died', async () => {
    const before = (await server())!;
    process.kill(before.postmaster, 'SIGKILL');
    await validate();
    const after = (await server())!;
    expect(after.postmaster).not.toBe(before.postmaster);
    expect(alive(after.postmaster)).toBe(true);
    // The dead server's watchdog notices on its next poll and exits: give it that long.
    for (let i = 0; i < 100 && alive(before.pid); i++) await new Promise((r) => setTimeout(r, 100));
    expect(alive(before.pid)).toBe(false);
  });

  it('stops itself after the idle time', async () => {
    await stopWarmServers(join(cache, 'warm'));
    const r = await runCli(['validate'], { cwd: project, env: { ...env(), PGFLEET_WARM_IDLE_S: '1' } });
    expect(r.code).toBe(0);
    const s = (await server())!;
    for (let i = 0; i < 100 && (alive(s.pid) || alive(s.postmaster)); i++) await new Promise((r) => setTimeout(r, 100));
    expect(alive(s.pid) || alive(s.postmaster)).toBe(false);
    expect(await server()).toBeNull();
  });
});

// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are pgfleet.yaml text, where ${VAR} is literal.

import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { project } from '../load/project.js';

/**
 * pgfleet.yaml's cache (src/config/config-cache.ts): a file read once is read again from the
 * cache, with the same result; an edit is never served stale; no value from the environment
 * and no problem is ever kept.
 */
let cache: string;
const before = process.env.PGFLEET_CACHE_DIR;
beforeAll(async () => {
  cache = await mkdtemp(join(tmpdir(), 'pgfleet-config-cache-'));
  process.env.PGFLEET_CACHE_DIR = cache;
});
afterAll(async () => {
  if (before === undefined) delete process.env.PGFLEET_CACHE_DIR;
  else process.env.PGFLEET_CACHE_DIR = before;
  await rm(cache, { recursive: true, force: true });
});

const kept = () => readdir(join(cache, 'config')).catch(() => [] as string[]);

describe('the config cache', () => {
  it('gives what reading the file gives, and keeps one entry per file, for its owner only', async () => {
    const root = await project({
      'pgfleet.yaml': "database: postgres://app@db/app\ntenants:\n  match: 'tenant\\_%'\nconcurrency: 8\n",
    });
    const first = await loadConfig({ cwd: root, env: {} });
    const files = await kept();
    expect(files).toHaveLength(1);
    expect((await stat(join(cache, 'config', files[0]))).mode & 0o777).toBe(0o600);
    // The entry is what the second load reads: it gives the same config, and an entry
    // changed behind pgfleet's back shows through (only the owner can write it).
    expect(await loadConfig({ cwd: root, env: {} })).toEqual(first);
    const entry = join(cache, 'config', files[0]);
    const text = await readFile(entry, 'utf8');
    await writeFile(entry, text.replace('"concurrency":8', '"concurrency":9'));
    expect((await loadConfig({ cwd: root, env: {} })).concurrency).toBe(9);
    await writeFile(entry, text);
    expect(first).toMatchObject({ database: 'postgres://app@db/app', concurrency: 8 });
    expect(first.tenants.match).toBe('tenant\\_%');

    // An edit is read from the file, never served from the entry of the old text.
    await writeFile(join(root, 'pgfleet.yaml'), "database: postgres://app@db/app\ntenants:\n  match: 'acme\\_%'\n");
    const edited = await loadConfig({ cwd: root, env: {} });
    expect(edited.tenants.match).toBe('acme\\_%');
    expect(edited.concurrency).toBe(4);
    expect(await kept()).toHaveLength(1);
  });

  it('takes no entry from a folder others may write (the cache is under the temporary directory)', async () => {
    const root = await project({ 'pgfleet.yaml': 'concurrency: 5\n' });
    expect((await loadConfig({ cwd: root, env: {} })).concurrency).toBe(5);
    const dir = join(cache, 'config');
    const files = await kept();
    const mine: string[] = [];
    for (const f of files) if ((await readFile(join(dir, f), 'utf8')).includes('"concurrency":5')) mine.push(f);
    expect(mine).toHaveLength(1);
    const file = join(dir, mine[0]);
    await writeFile(file, (await readFile(file, 'utf8')).replace('"concurrency":5', '"concurrency":6'));
    expect((await loadConfig({ cwd: root, env: {} })).concurrency).toBe(6);
    await chmod(dir, 0o777);
    try {
      expect((await loadConfig({ cwd: root, env: {} })).concurrency).toBe(5);
    } finally {
      await chmod(dir, 0o700);
    }
  });

  it('keeps nothing of a file that takes values from the environment', async () => {
    const n = (await kept()).length;
    const root = await project({ 'pgfleet.yaml': 'database: ${SECRET_URL}\n' });
    const config = await loadConfig({ cwd: root, env: { SECRET_URL: 'postgres://app:hunter2@db/app' } });
    expect(config.database).toBe('postgres://app:hunter2@db/app');
    expect(await kept()).toHaveLength(n);
    // A YAML escape spells `${` where the text has none: the value still comes from the environment.
    const escaped = await project({ 'pgfleet.yaml': 'database: "\\x24{SECRET_URL}"\n' });
    expect((await loadConfig({ cwd: escaped, env: { SECRET_URL: 'postgres://app:hunter2@db/app' } })).database).toBe(
      'postgres://app:hunter2@db/app',
    );
    expect(await kept()).toHaveLength(n);
    for (const f of await kept()) expect(await readFile(join(cache, 'config', f), 'utf8')).not.toContain('hunter2');
  });

  it('keeps no problem: a bad file is reported on every read', async () => {
    const n = (await kept()).length;
    const root = await project({ 'pgfleet.yaml': 'concurrency: many\n' });
    for (let i = 0; i < 2; i++)
      await expect(loadConfig({ cwd: root, env: {} })).rejects.toThrow(/1 problem in pgfleet.yaml/);
    expect(await kept()).toHaveLength(n);
  });

  it('PGFLEET_CONFIG_CACHE=0 reads the file without the cache', async () => {
    const n = (await kept()).length;
    process.env.PGFLEET_CONFIG_CACHE = '0';
    try {
      const root = await project({ 'pgfleet.yaml': 'concurrency: 3\n' });
      expect((await loadConfig({ cwd: root, env: {} })).concurrency).toBe(3);
    } finally {
      delete process.env.PGFLEET_CONFIG_CACHE;
    }
    expect(await kept()).toHaveLength(n);
  });
});

import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { PgfleetError } from '../../src/errors.js';
import { readMigrations } from '../../src/migrations/read-migrations.js';
import { writeSum } from '../../src/migrations/sum.js';
import { tempDir } from './temp-dir.js';

/**
 * Parsed migration files kept by their text (src/migrations/parse-cache.ts): a second read
 * gives what the first parsed, an edit is parsed again, a file that does not parse is
 * refused every time.
 */
const repo = join(import.meta.dirname, '..', '..');
let cache: string;
const made: string[] = [];
const before = process.env.PGFLEET_CACHE_DIR;
// A cache of its own for each test.
beforeEach(async () => {
  cache = await mkdtemp(join(tmpdir(), 'pgfleet-parse-cache-'));
  made.push(cache);
  process.env.PGFLEET_CACHE_DIR = cache;
});
afterAll(async () => {
  if (before === undefined) delete process.env.PGFLEET_CACHE_DIR;
  else process.env.PGFLEET_CACHE_DIR = before;
  await Promise.all(made.map((d) => rm(d, { recursive: true, force: true })));
});

const kept = async () => {
  const dir = join(cache, 'migrations');
  const files = await readdir(dir).catch(() => [] as string[]);
  return Promise.all(files.map(async (f) => JSON.parse(await readFile(join(dir, f), 'utf8')) as object));
};

describe('the migration parse cache', () => {
  it("reads back what parsing gave, for the example's migrations", async () => {
    const dir = await tempDir();
    await cp(join(repo, 'generated'), dir, { recursive: true });
    const first = await readMigrations(dir);
    const entries = await kept();
    expect(entries).toHaveLength(1);
    // The SQL files only: the code migration (0004, .ts) has a cache of its own.
    expect(Object.keys(entries[0])).toHaveLength(first.shared.length + first.tenant.length - 1);
    expect(JSON.parse(JSON.stringify(await readMigrations(dir)))).toEqual(JSON.parse(JSON.stringify(first)));
    expect((await readMigrations(dir)).tenant.map((m) => m.steps?.up.length)).toEqual(
      first.tenant.map((m) => m.steps?.up.length),
    );
    // The kept parse is what a read returns (an entry changed behind pgfleet's back shows through).
    const [file] = await readdir(join(cache, 'migrations'));
    const text = await readFile(join(cache, 'migrations', file), 'utf8');
    await writeFile(join(cache, 'migrations', file), text.replaceAll('services_service_slug_not_null', 'kept_not_null'));
    expect(text).toContain('services_service_slug_not_null');
    expect((await readMigrations(dir)).tenant.some((m) => m.up.includes('kept_not_null'))).toBe(true);
  });

  it('parses an edited file again and forgets the old entry; never keeps a file that does not parse', async () => {
    const dir = await tempDir();
    await cp(join(repo, 'generated'), dir, { recursive: true });
    await readMigrations(dir);
    const file = join(dir, 'tenant', '0003_add_service_slug.sql');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('character varying(200)', 'character varying(300)'));
    await writeSum(dir);
    const edited = await readMigrations(dir);
    expect(edited.tenant.find((m) => m.version === '0003')?.up).toMatch(/varying\(300\)/);
    const [entry] = await kept();
    const third = Object.values(entry).filter((m: { path: string }) => m.path === 'tenant/0003_add_service_slug.sql');
    expect(third).toEqual([expect.objectContaining({ up: expect.stringMatching(/varying\(300\)/) })]);

    await writeFile(file, text.replace('-- +up', '-- +sideways'));
    await writeSum(dir);
    for (let i = 0; i < 2; i++) {
      const error = await readMigrations(dir).catch((e) => e);
      expect(error).toBeInstanceOf(PgfleetError);
      expect(error.message).toMatch(/0003_add_service_slug/);
    }
  });
});

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * An entry of one of pgfleet's caches (in cacheDir(): replays, code migrations' declarations,
 * parsed migration files, pgfleet.yaml), or null when there is none, it cannot be read, or
 * it is not the user's own.
 */
export async function readCacheFile<T>(file: string): Promise<T | null> {
  try {
    if (!(await ownedByUser(file))) return null;
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

/**
 * The cache lives under the temporary directory, where anyone may have made the folder
 * first: an entry counts only when it, its folder and the cache folder above belong to this
 * user and nobody else may write them. Otherwise another user could hand pgfleet a config
 * (SQL that runs with this user's database role) or a parsed migration of their own.
 */
async function ownedByUser(file: string): Promise<boolean> {
  const uid = process.getuid?.();
  if (uid === undefined) return true;
  const stats = await Promise.all([file, dirname(file), dirname(dirname(file))].map((p) => stat(p)));
  return stats.every((s) => s.uid === uid && (s.mode & 0o022) === 0);
}

/**
 * Write a cache entry whole or not at all (a rename over it), readable by its owner only. A
 * cache that cannot be written costs the next command only time, so nothing is thrown.
 */
export async function writeCacheFile(file: string, value: unknown): Promise<void> {
  try {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(value), { mode: 0o600 });
    await rename(tmp, file);
  } catch {
    // See above.
  }
}

const hashes = new Map<string, string>();

/**
 * A hash of the code that produces a cached value, read once per process: the files of each
 * folder (relative to `from`, the caller's import.meta.url) whose names match, and `files`.
 * In a key, it makes a pgfleet upgrade read its files anew instead of an entry an older one
 * wrote, even when nobody remembered to bump the entry's format.
 */
export function codeHash(
  from: string,
  folders: readonly (readonly [string, RegExp])[],
  files: readonly string[] = [],
): string {
  const key = JSON.stringify([from, folders.map(([f, re]) => [f, re.source]), files]);
  let hash = hashes.get(key);
  if (hash === undefined) {
    const h = createHash('sha256');
    for (const [folder, name] of folders) {
      const dir = fileURLToPath(new URL(folder, from));
      for (const f of readdirSync(dir).sort()) if (name.test(f)) h.update(f).update(readFileSync(join(dir, f)));
    }
    for (const f of files) h.update(readFileSync(new URL(f, from)));
    hash = h.digest('hex');
    hashes.set(key, hash);
  }
  return hash;
}

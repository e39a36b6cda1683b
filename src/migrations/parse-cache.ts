import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDir } from '../devdb/embedded.js';
import { parseMigration } from './parse-migration.js';
import type { Migration } from './types.js';

// Bump when what is kept changes shape.
const FORMAT = 1;

/**
 * SQL migration files as parsed before, found by their text: splitting statements, steps
 * and hazards of a large file costs a fleet command tens of milliseconds of cold JavaScript
 * at every start, where reading the parse back costs one. One cache file per migration
 * directory, rewritten only when a file changed (the entries of files no longer there go
 * with it); an entry's key holds the file's text, its path and the parser's code, so an
 * edit or an upgrade parses again. A file that does not parse is never kept.
 */
export class ParseCache {
  readonly #file: string;
  readonly #kept: Map<string, Migration>;
  readonly #used = new Map<string, Migration>();
  #missed = false;

  private constructor(file: string, kept: Map<string, Migration>) {
    this.#file = file;
    this.#kept = kept;
  }

  static async open(dir: string): Promise<ParseCache> {
    const file = join(
      cacheDir(),
      'migrations',
      `${FORMAT}-${createHash('sha256').update(resolve(dir)).digest('hex').slice(0, 32)}.json`,
    );
    const kept = await readFile(file, 'utf8').then(
      (t) => new Map(Object.entries(JSON.parse(t) as Record<string, Migration>)),
      () => new Map<string, Migration>(),
    );
    return new ParseCache(file, kept);
  }

  /** parseMigration(text, path, file), from the cache when this text was parsed before. */
  parse(text: string, path: string, file: string): Migration {
    const key = createHash('sha256').update(parserCode()).update(`\0${path}\0${file}\0`).update(text).digest('hex');
    let m = this.#kept.get(key);
    if (!m) {
      m = parseMigration(text, path, file);
      this.#missed = true;
    }
    this.#used.set(key, m);
    return m;
  }

  /** Write what this read used, when it differs from what was kept; a cache that cannot be written costs only time. */
  async save(): Promise<void> {
    if (!this.#missed && this.#used.size === this.#kept.size) return;
    await mkdir(join(this.#file, '..'), { recursive: true, mode: 0o700 })
      .then(async () => {
        const tmp = `${this.#file}.${process.pid}.tmp`;
        await writeFile(tmp, JSON.stringify(Object.fromEntries(this.#used)), { mode: 0o600 });
        await rename(tmp, this.#file);
      })
      .catch(() => {});
  }
}

let codeHash: string | null = null;

/** The code that parses a migration file (migrations/ and the hazard kinds): a hash, made once. */
function parserCode(): string {
  if (codeHash !== null) return codeHash;
  const h = createHash('sha256');
  for (const [folder, file] of [
    ['../migrations/', /\.(js|ts)$/],
    ['../model/', /^hazards\.(js|ts)$/],
  ] as const) {
    const dir = fileURLToPath(new URL(folder, import.meta.url));
    for (const name of readdirSync(dir).sort())
      if (file.test(name)) h.update(name).update(readFileSync(join(dir, name)));
  }
  codeHash = h.digest('hex');
  return codeHash;
}

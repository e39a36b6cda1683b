import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { codeHash, readCacheFile, writeCacheFile } from '../cache-files.js';
import { cacheDir } from '../devdb/embedded.js';
import { parseMigration } from './parse-migration.js';
import type { Migration } from './types.js';

// Bump when what is kept changes shape.
const FORMAT = 1;

/** The code that parses a migration file: migrations/ and the hazard kinds. */
const PARSER = (from: string) =>
  codeHash(from, [
    ['../migrations/', /\.(js|ts)$/],
    ['../model/', /^hazards\.(js|ts)$/],
  ]);

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
    return new ParseCache(file, new Map(Object.entries((await readCacheFile<Record<string, Migration>>(file)) ?? {})));
  }

  /** parseMigration(text, path, file), from the cache when this text was parsed before. */
  parse(text: string, path: string, file: string): Migration {
    const key = createHash('sha256')
      .update(PARSER(import.meta.url))
      .update(`\0${path}\0${file}\0`)
      .update(text)
      .digest('hex');
    let m = this.#kept.get(key);
    if (!m) {
      m = parseMigration(text, path, file);
      this.#missed = true;
    }
    this.#used.set(key, m);
    return m;
  }

  /** Write what this read used, when it differs from what was kept. */
  async save(): Promise<void> {
    if (!this.#missed && this.#used.size === this.#kept.size) return;
    await writeCacheFile(this.#file, Object.fromEntries(this.#used));
  }
}

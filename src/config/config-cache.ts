import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { codeHash, readCacheFile, writeCacheFile } from '../cache-files.js';
import { cacheDir } from '../devdb/embedded.js';
import type { ParsedConfig } from './parse-config.js';
import type { RawConfig } from './raw-config.js';

// Bump when what is kept changes shape.
const FORMAT = 1;

/** The code that reads pgfleet.yaml: config/, yaml/, the schema-name rules and its JSON Schema. */
const READER = (from: string) =>
  codeHash(
    from,
    [
      ['../config/', /\.(js|ts)$/],
      ['../yaml/', /\.(js|ts)$/],
      ['../model/', /^names\.(js|ts)$/],
    ],
    ['../../pgfleet-config.schema.json'],
  );

/**
 * pgfleet.yaml as it was read and validated before, found by its text: a fleet command then
 * starts without loading the YAML parser and the schema's validator (about 30 ms of a 300 ms
 * `tenant create`). One entry per config file (`path`), replaced when its text changes. Only
 * a file none of whose values came from `${...}` is kept, so that no value taken from the
 * environment (a password) is ever written to disk; the entry is the owner's alone (0600).
 * A problem is never kept: a bad file is read, and reported, every time. The key holds the
 * text and the code that reads it, so an edit or an upgrade reads the file again.
 * PGFLEET_CONFIG_CACHE=0 turns it off.
 */
export async function cachedRawConfig(
  path: string,
  text: string,
  parse: () => Promise<ParsedConfig>,
): Promise<RawConfig> {
  if (text.includes('${') || process.env.PGFLEET_CONFIG_CACHE === '0') return (await parse()).raw;
  const hash = (...parts: string[]) => createHash('sha256').update(parts.join('\0')).digest('hex');
  const file = join(cacheDir(), 'config', `${FORMAT}-${hash(path).slice(0, 32)}.json`);
  const key = hash(READER(import.meta.url), text);
  const kept = await readCacheFile<{ key: string; raw: RawConfig }>(file);
  if (kept?.key === key) return kept.raw;
  const { raw, fromEnvironment } = await parse();
  // Only what JSON gives back unchanged (a YAML .inf would come back as null).
  if (!fromEnvironment && isDeepStrictEqual(JSON.parse(JSON.stringify(raw)), raw))
    await writeCacheFile(file, { key, raw });
  return raw;
}

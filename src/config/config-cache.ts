import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { cacheDir } from '../devdb/embedded.js';
import type { RawConfig } from './raw-config.js';

// Bump when what is kept changes shape.
const FORMAT = 1;

/**
 * pgfleet.yaml as it was read and validated before, found by its text: a fleet command then
 * starts without loading the YAML parser and the schema's validator (about 30 ms of a 300 ms
 * `tenant create`). Only a file without `${...}` is kept, so that no value taken from the
 * environment (a password) is ever written to disk; the entry is the owner's alone (0600).
 * A problem is never kept: a bad file is read, and reported, every time. The key holds the
 * text and the code that reads it, so an edit or an upgrade reads the file again.
 * PGFLEET_CONFIG_CACHE=0 turns it off.
 */
export async function cachedRawConfig(text: string, parse: () => Promise<RawConfig>): Promise<RawConfig> {
  if (text.includes('${') || process.env.PGFLEET_CONFIG_CACHE === '0') return parse();
  const dir = join(cacheDir(), 'config');
  const file = join(dir, `${FORMAT}-${createHash('sha256').update(readerCode()).update(text).digest('hex')}.json`);
  const kept = await readFile(file, 'utf8').then(
    (t) => JSON.parse(t) as RawConfig,
    () => null,
  );
  if (kept) return kept;
  const raw = await parse();
  // Only what JSON gives back unchanged (a YAML .inf would come back as null).
  if (!isDeepStrictEqual(JSON.parse(JSON.stringify(raw)), raw)) return raw;
  // A cache that cannot be written costs the next command only time.
  await mkdir(dir, { recursive: true, mode: 0o700 })
    .then(async () => {
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, JSON.stringify(raw), { mode: 0o600 });
      await rename(tmp, file);
    })
    .catch(() => {});
  return raw;
}

let codeHash: string | null = null;

/** The code that reads pgfleet.yaml (config/, yaml/, the schema-name rules) and its JSON Schema: a hash, made once. */
function readerCode(): string {
  if (codeHash !== null) return codeHash;
  const h = createHash('sha256');
  for (const [folder, file] of [
    ['../config/', /\.(js|ts)$/],
    ['../yaml/', /\.(js|ts)$/],
    ['../model/', /^names\.(js|ts)$/],
  ] as const) {
    const dir = fileURLToPath(new URL(folder, import.meta.url));
    for (const name of readdirSync(dir).sort())
      if (file.test(name)) h.update(name).update(readFileSync(join(dir, name)));
  }
  h.update(readFileSync(new URL('../../pgfleet-config.schema.json', import.meta.url)));
  codeHash = h.digest('hex');
  return codeHash;
}

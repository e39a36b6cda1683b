import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A hash of the built command modules and the flags they share (dist/commands and
 * dist/cli): oclif.manifest.json records it, and bin/run.js trusts the manifest only while
 * it matches. Reading these ~30 small files costs about two milliseconds.
 */
export function commandsFingerprint(root) {
  const hash = createHash('sha256');
  for (const dir of ['commands', 'cli']) {
    const base = join(root, 'dist', dir);
    let files;
    try {
      files = jsFiles(base, '');
    } catch {
      continue;
    }
    for (const f of files.sort()) hash.update(`${dir}/${f}\0`).update(readFileSync(join(base, f))).update('\0');
  }
  return hash.digest('hex');
}

/**
 * The .js files under `base`, as readdirSync's `recursive` lists them (`tenant/create.js`):
 * walked here because Node 20's recursive listing costs 3-4 ms more on every start.
 */
function jsFiles(base, rel) {
  return readdirSync(join(base, rel), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? jsFiles(base, join(rel, e.name)) : e.name.endsWith('.js') ? [join(rel, e.name)] : [],
  );
}

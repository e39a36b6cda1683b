import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A hash of the built command modules and the flags they share (dist/commands and
 * dist/cli): oclif.manifest.json records it, and bin/run.js trusts the manifest only while
 * it matches. Reading these ~25 small files costs about a millisecond.
 */
export function commandsFingerprint(root) {
  const hash = createHash('sha256');
  for (const dir of ['commands', 'cli']) {
    const base = join(root, 'dist', dir);
    let files;
    try {
      files = readdirSync(base, { recursive: true }).filter((f) => f.endsWith('.js'));
    } catch {
      continue;
    }
    for (const f of files.sort()) hash.update(`${dir}/${f}\0`).update(readFileSync(join(base, f))).update('\0');
  }
  return hash.digest('hex');
}

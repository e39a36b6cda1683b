import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { PgfleetError } from '../errors.js';

/** Writes a new file (never an existing one) and flushes it to disk before returning. */
export async function writeDurably(path: string, text: string): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes `text` to `path` so that a reader (or a crash) sees either the old file or the
 * whole new one, never half of it: the text goes to a temporary file in the same folder
 * (a rename is atomic only within one file system), is flushed to disk, then renamed over
 * `path`. The temporary name starts with `.` and ends in `.tmp`, so a leftover from a crash
 * is not mistaken for a migration.
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeDurably(temp, text);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw new PgfleetError('input', `cannot write ${path}: ${(error as Error).message}`, {
      hint: 'check that the migrations directory exists and is writable',
      cause: error,
    });
  }
}

import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { PgfleetError } from '../errors.js';
import { writeDurably, writeFileAtomic } from './write-file-atomic.js';

/**
 * The journal of a write in progress, in the migrations directory. It lists each file's
 * finished temporary copy and its final name; while it exists, the directory is between
 * its old state and its new one.
 */
export const JOURNAL_FILE = '.pgfleet-journal';

interface Entry {
  /** Relative to the migrations directory, with `/`. */
  readonly temp: string;
  readonly path: string;
}

export interface FileToWrite {
  /** Relative to the migrations directory, with `/` (`tenant/0002_add_x.sql`, `pgfleet.sum`). */
  readonly path: string;
  readonly text: string;
}

/**
 * Writes several files of the migrations directory (new migrations and the `pgfleet.sum`
 * that lists them) so that a crash at any point leaves the directory as it was or as it is
 * meant to be, never in between: a sum that does not list a written migration would stop
 * every later command. Each file is first written whole to a hidden temporary name; then a
 * journal naming them is written atomically; then the files are renamed into place and the
 * journal removed. A run killed before the journal exists left only hidden temporaries,
 * which no command reads; one killed after is finished by `finishInterruptedWrite`, which
 * `readMigrations` calls first. `onStep` (for fault tests) is called after each step.
 */
export async function writeTogether(
  dir: string,
  files: readonly FileToWrite[],
  onStep: (step: string) => void = () => {},
): Promise<void> {
  await finishInterruptedWrite(dir);
  const entries: Entry[] = files.map((f) => ({
    path: f.path,
    temp: join(dirname(f.path), `.${basename(f.path)}.${randomBytes(6).toString('hex')}.tmp`),
  }));
  try {
    for (const [i, f] of files.entries()) {
      await mkdir(dirname(join(dir, f.path)), { recursive: true });
      await writeDurably(join(dir, entries[i].temp), f.text);
      onStep(`temp ${f.path}`);
    }
  } catch (error) {
    await Promise.all(entries.map((e) => rm(join(dir, e.temp), { force: true }).catch(() => {})));
    if (error instanceof PgfleetError) throw error;
    throw new PgfleetError('input', `cannot write to ${dir}: ${(error as Error).message}`, {
      hint: 'check that the migrations directory is writable and the disk is not full',
      cause: error,
    });
  }
  // From here on the new state is decided: an error or a crash is finished forward, not undone.
  await writeFileAtomic(join(dir, JOURNAL_FILE), JSON.stringify(entries));
  onStep('journal');
  await renameAll(dir, entries, onStep);
}

async function renameAll(dir: string, entries: readonly Entry[], onStep: (step: string) => void) {
  try {
    for (const e of entries) {
      await rename(join(dir, e.temp), join(dir, e.path)).catch((error: NodeJS.ErrnoException) => {
        // Already renamed by the run that was interrupted.
        if (error.code !== 'ENOENT') throw error;
      });
      onStep(`rename ${e.path}`);
    }
    await rm(join(dir, JOURNAL_FILE), { force: true });
  } catch (error) {
    throw new PgfleetError(
      'input',
      `an interrupted write in ${dir} could not be finished: ${(error as Error).message}`,
      {
        hint: `check that ${dir} is writable; the next pgfleet command finishes the write (its journal is ${join(dir, JOURNAL_FILE)})`,
        cause: error,
      },
    );
  }
}

/**
 * Finishes a `writeTogether` that a crash interrupted after its journal was written: every
 * temporary file it names is complete, so it is renamed into place. Does nothing (and
 * writes nothing) when there is no journal.
 */
export async function finishInterruptedWrite(dir: string): Promise<void> {
  let text: string;
  try {
    text = await readFile(join(dir, JOURNAL_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR')
      return;
    throw error;
  }
  let entries: Entry[];
  try {
    entries = JSON.parse(text);
    if (!Array.isArray(entries) || !entries.every((e) => typeof e?.temp === 'string' && typeof e?.path === 'string'))
      throw new Error('not a list of { temp, path }');
  } catch (error) {
    throw new PgfleetError(
      'input',
      `${join(dir, JOURNAL_FILE)} is not a pgfleet journal: ${(error as Error).message}`,
      {
        hint: 'it is written by pgfleet while it writes migrations; if no pgfleet command is running, delete it and check the directory with `pgfleet status`',
      },
    );
  }
  // A journal names files inside the directory only; anything else is not ours to move.
  const inside = (p: string) => !p.split('/').includes('..') && !p.startsWith('/');
  if (!entries.every((e) => inside(e.temp) && inside(e.path))) {
    throw new PgfleetError('input', `${join(dir, JOURNAL_FILE)} names files outside ${dir}`, {
      hint: 'delete it (pgfleet never writes such a journal) and check the directory with `pgfleet status`',
    });
  }
  await renameAll(dir, entries, () => {});
}

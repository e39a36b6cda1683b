import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Diagnostic } from '../errors.js';
import { PgfleetError } from '../errors.js';
import { listSqlFiles } from './list-files.js';
import { writeFileAtomic } from './write-file-atomic.js';

/** The name of the checksum file, in the migrations directory. */
export const SUM_FILE = 'pgfleet.sum';

const ACCEPT_HINT = 'run `pgfleet hash` to accept the directory as it is, after reviewing the change';

const h1 = (data: string | Uint8Array): string => `h1:${createHash('sha256').update(data).digest('base64')}`;

interface SumEntry {
  readonly path: string;
  readonly hash: string;
}

/** The first line: one hash over every entry line, so an edit of the sum file itself shows. */
const total = (entries: readonly SumEntry[]): string => h1(entries.map((e) => `${e.path} ${e.hash}\n`).join(''));

const format = (entries: readonly SumEntry[]): string =>
  `${total(entries)}\n${entries.map((e) => `${e.path} ${e.hash}\n`).join('')}`;

async function entriesOf(dir: string): Promise<SumEntry[]> {
  const files = await listSqlFiles(dir);
  return Promise.all(files.map(async (path) => ({ path, hash: h1(await readFile(join(dir, path))) })));
}

const byPath = (a: SumEntry, b: SumEntry) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/**
 * The text `pgfleet.sum` should hold for the directory as it is, in the spirit of Atlas'
 * atlas.sum: `h1:<base64 sha256 over the entry lines>`, then `<relative path> h1:<base64
 * sha256 of the file>` per migration file, sorted by path. Checked into version control, it
 * makes an edited, added or removed migration show up in review and in `readMigrations`.
 *
 * @example
 * await computeSum('generated'); // 'h1:...\nshared/0001_initial.sql h1:...\n'
 */
export async function computeSum(
  dir: string,
  /** Files about to be written (relative path and text), counted as if they were there. */
  adding: readonly { readonly path: string; readonly text: string }[] = [],
): Promise<string> {
  const added = new Set(adding.map((f) => f.path));
  const entries = [
    ...(await entriesOf(dir)).filter((e) => !added.has(e.path)),
    ...adding.map((f) => ({ path: f.path, hash: h1(Buffer.from(f.text, 'utf8')) })),
  ];
  return format(entries.sort(byPath));
}

/**
 * Writes `<dir>/pgfleet.sum` for the directory as it is (atomically) and returns its path.
 * This is how `generate` and `pgfleet hash` accept the current files.
 */
export async function writeSum(dir: string): Promise<string> {
  const text = await computeSum(dir);
  await mkdir(dir, { recursive: true });
  const path = join(dir, SUM_FILE);
  await writeFileAtomic(path, text);
  return path;
}

/**
 * Refuses a directory whose files differ from `pgfleet.sum`: each file edited since the sum
 * was written, listed but missing, or not listed (added by hand), and a sum file that was
 * itself edited, all named in one error. A directory with neither migrations nor a sum
 * file is fine.
 */
export async function verifySum(dir: string): Promise<void> {
  const sumPath = join(dir, SUM_FILE);
  const actual = await entriesOf(dir);
  let text: string;
  try {
    text = await readFile(sumPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new PgfleetError('input', `cannot read ${sumPath}: ${(error as Error).message}`, { cause: error });
    }
    if (actual.length === 0) return;
    throw new PgfleetError(
      'input',
      `${sumPath} is missing, but ${dir} holds ${actual.length} migration file(s): ${actual.map((e) => e.path).join(', ')}`,
      { hint: ACCEPT_HINT },
    );
  }

  const problems: { file: string; line: number; message: string }[] = [];
  const listed = parseSum(text, sumPath, problems);
  if (listed) {
    if (listed.total !== total(listed.entries)) {
      problems.push({
        file: sumPath,
        line: 1,
        message: 'its first line does not match the entries below it: pgfleet.sum itself was edited',
      });
    }
    const expected = new Map(listed.entries.map((e) => [e.path, e]));
    const present = new Map(actual.map((e) => [e.path, e]));
    for (const e of listed.entries) {
      const now = present.get(e.path);
      if (!now) problems.push({ file: join(dir, e.path), line: 1, message: 'listed in pgfleet.sum but missing' });
      else if (now.hash !== e.hash) {
        problems.push({ file: join(dir, e.path), line: 1, message: 'edited since pgfleet.sum was written' });
      }
    }
    for (const e of actual) {
      if (!expected.has(e.path)) problems.push({ file: join(dir, e.path), line: 1, message: 'not in pgfleet.sum' });
    }
  }
  if (problems.length === 0) return;

  const diagnostics: Diagnostic[] = problems.map((p) => ({ ...p, col: 1, pointer: '' }));
  throw new PgfleetError(
    'input',
    `the migrations in ${dir} do not match ${SUM_FILE}:\n${problems.map((p) => `  ${p.file}: ${p.message}`).join('\n')}`,
    { hint: ACCEPT_HINT, diagnostics },
  );
}

/** Reads the sum file's lines; a malformed line (a merge conflict marker, say) is a problem. */
function parseSum(
  text: string,
  sumPath: string,
  problems: { file: string; line: number; message: string }[],
): { total: string; entries: SumEntry[] } | null {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  const first = lines[0]?.trim() ?? '';
  let ok = /^h1:\S+$/.test(first);
  if (!ok) problems.push({ file: sumPath, line: 1, message: 'the first line is not `h1:<hash>`' });
  const entries: SumEntry[] = [];
  lines.slice(1).forEach((line, i) => {
    const m = /^(\S.*) (h1:\S+)$/.exec(line.trim());
    if (m) entries.push({ path: m[1], hash: m[2] });
    else {
      ok = false;
      problems.push({ file: sumPath, line: i + 2, message: 'not a `<file> h1:<hash>` line' });
    }
  });
  return ok ? { total: first, entries } : null;
}

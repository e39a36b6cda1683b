import { isAbsolute, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readCacheFile, writeCacheFile } from '../cache-files.js';
import { cacheDir } from '../devdb/embedded.js';
import type { Diagnostic } from '../errors.js';
import { PgfleetError } from '../errors.js';
import type { Scope } from '../model/types.js';
import { checksum } from './checksum.js';
import { isScope, MIGRATION_FILE, migrationId, VERSION } from './migration-id.js';
import type { Migration } from './types.js';

/** A code migration's `up` or `down`: given the schema's context (see fleet/migration-context.ts). */
export type CodeFunction = (ctx: never) => unknown;

/** The parts of a loaded code migration module that pgfleet calls. */
export interface LoadedCode {
  readonly up: CodeFunction;
  readonly down: CodeFunction | null;
}

export const CODE_HINT =
  'a code migration exports `async function up(ctx)`, optionally `down(ctx)`, `transaction` (boolean), ' +
  '`requires` (e.g. "shared 0003") and `dataOnly` (boolean); fix the file, then run `pgfleet hash`';

// Loaded modules by file and checksum: one import per process, and an edited file (new
// checksum) is imported afresh, since tsImport gives every call its own module namespace.
const loaded = new Map<string, LoadedCode>();
const modules = new Map<string, Record<string, unknown>>();

/**
 * Reads a code migration: imports the module with tsx's API (TypeScript and JavaScript,
 * ESM or CommonJS, as the project's package.json says) and takes its declarations from
 * its exports. Importing is what proves the file runs at all, so a syntax error or a
 * missing import is refused here, with the file and line, before any schema is touched.
 * `path` is relative to the migrations directory, `file` is how to open it.
 *
 * @example
 * const m = await readCodeMigration(text, 'tenant/0004_fill_slug.ts', 'generated/tenant/0004_fill_slug.ts');
 * m.code?.reversible; // true when the module exports down
 */
export async function readCodeMigration(
  text: string,
  path: string,
  file: string,
  options: { fromCache?: boolean } = {},
): Promise<Migration> {
  const [folder, base] = path.split('/');
  const id = MIGRATION_FILE.exec(base ?? '');
  if (!id || !isScope(folder)) {
    throw invalid(file, 1, 'a code migration lives in shared/ or tenant/ and is named NNNN_name.ts (or .js, .mjs)');
  }
  const scope: Scope = folder;
  const sum = checksum(text);
  const key = `${resolve(file)}\0${sum}`;
  const migration = (d: Declarations): Migration => ({
    scope,
    version: id[1],
    name: id[2],
    id: migrationId(id[1], id[2]),
    requires: d.requires,
    transactional: d.transactional,
    // No SQL steps: the module is the one unit that runs (fleet/units.ts' code unit).
    steps: { up: [], down: [] },
    hazards: [],
    replaces: [],
    // Like a `pgfleet new` migration: generate never rewrites it, squash never swallows it.
    manual: true,
    up: '',
    down: '',
    checksum: sum,
    path,
    code: { file, source: text, reversible: d.reversible, dataOnly: d.dataOnly },
  });
  if (options.fromCache && !modules.has(key)) {
    const cached = await cachedDeclarations(sum);
    if (cached) return migration(cached);
  }
  // One import per file version and process: an API user reading the directory again
  // (every migrate, status, ...) reuses the module rather than loading another copy.
  const mod = modules.get(key) ?? (await importModule(text, file, sum));
  modules.set(key, mod);
  const problems: { line: number; message: string }[] = [];
  const lineOf = (name: string) => exportLine(text, name);
  if (typeof mod.up !== 'function') problems.push({ line: lineOf('up'), message: 'exports no `up` function' });
  if (mod.down !== undefined && typeof mod.down !== 'function') {
    problems.push({ line: lineOf('down'), message: '`down` is exported but is not a function' });
  }
  const flag = (name: 'transaction' | 'dataOnly', absent: boolean): boolean => {
    const value = mod[name];
    if (value === undefined) return absent;
    if (typeof value === 'boolean') return value;
    problems.push({ line: lineOf(name), message: `\`${name}\` is true or false, not ${JSON.stringify(value)}` });
    return absent;
  };
  const transactional = flag('transaction', true);
  const dataOnly = flag('dataOnly', false);
  let requires: Migration['requires'] = null;
  if (mod.requires !== undefined) {
    const [s, v, ...rest] = typeof mod.requires === 'string' ? mod.requires.trim().split(/\s+/) : [];
    if (s && isScope(s) && v && VERSION.test(v) && rest.length === 0) requires = { scope: s, version: v };
    else {
      problems.push({
        line: lineOf('requires'),
        message: `expected \`export const requires = 'shared NNNN'\`, got ${JSON.stringify(mod.requires)}`,
      });
    }
  }
  if (problems.length > 0) throw invalidAll(file, problems);
  loaded.set(key, {
    up: mod.up as CodeFunction,
    down: typeof mod.down === 'function' ? (mod.down as CodeFunction) : null,
  });
  const declarations: Declarations = { requires, transactional, dataOnly, reversible: typeof mod.down === 'function' };
  await cacheDeclarations(sum, declarations);
  return migration(declarations);
}

/** What a code migration's exports declare: all that reading a directory needs of it. */
interface Declarations {
  readonly requires: Migration['requires'];
  readonly transactional: boolean;
  readonly dataOnly: boolean;
  readonly reversible: boolean;
}

// Bump when Declarations or what readCodeMigration checks changes.
const DECLARATIONS_FORMAT = 1;
const declarationsFile = (sum: string) => join(cacheDir(), 'code-migrations', `${DECLARATIONS_FORMAT}-${sum}.json`);

/**
 * The declarations of a module this text (by checksum) was imported as before, or null.
 * Importing one takes tsx's loader and esbuild (about a second on a busy machine), which
 * `generate` in the edit loop need not pay for a module it does not run: `codeOf` imports
 * it when it does run.
 */
const cachedDeclarations = (sum: string): Promise<Declarations | null> =>
  readCacheFile<Declarations>(declarationsFile(sum));

// A cache that cannot be written costs the next read an import, nothing more.
const cacheDeclarations = (sum: string, d: Declarations): Promise<void> => writeCacheFile(declarationsFile(sum), d);

/** The functions of a code migration read in this process (by `readCodeMigration`). */
export async function codeOf(m: Migration): Promise<LoadedCode> {
  if (!m.code) throw new Error(`${m.path} is not a code migration`);
  const key = `${resolve(m.code.file)}\0${m.checksum}`;
  const found = loaded.get(key);
  if (found) return found;
  // Read in another way (a Migration built by hand): import it now.
  await readCodeMigration(m.code.source, m.path, m.code.file);
  return loaded.get(key) as LoadedCode;
}

async function importModule(text: string, file: string, sum: string): Promise<Record<string, unknown>> {
  // Loaded only when a directory has code migrations: a plain SQL project never pays for esbuild.
  const { tsImport } = await import('tsx/esm/api');
  try {
    const mod = (await tsImport(pathToFileURL(resolve(file)).href, import.meta.url)) as Record<string, unknown>;
    // A CommonJS module's exports arrive as `default` (and, when statically analysable, also by name).
    const cjs = mod.default && typeof mod.default === 'object' ? (mod.default as Record<string, unknown>) : {};
    return { ...cjs, ...mod };
  } catch (cause) {
    const e = cause as Error & { code?: string };
    const where = errorLine(e, text, file);
    throw invalid(
      file,
      where.line,
      `cannot be loaded: ${where.message}`,
      `fix the file (a syntax error or a missing import), then run \`pgfleet hash\`; it was not run anywhere (checksum ${sum.slice(0, 12)})`,
    );
  }
}

/** The line an import failure points at: esbuild's `file:line:col: ERROR`, or the import of a missing module. */
function errorLine(e: Error, text: string, file: string): { line: number; message: string } {
  const message = e.message.replace(/^Transform failed with \d+ errors?:\n/, '');
  const at = /:(\d+):(\d+): ERROR: (.*)/.exec(message);
  if (at) return { line: Number(at[1]), message: `${at[3]} (column ${at[2]})` };
  const missing = /Cannot find (?:module|package) '([^']+)'/.exec(message);
  if (missing) {
    const spec = missing[1];
    const lines = text.split(/\r?\n/);
    const base = spec.split('/').pop() ?? spec;
    const i = lines.findIndex((l) => /\bimport\b|\brequire\s*\(/.test(l) && (l.includes(spec) || l.includes(base)));
    if (i >= 0) return { line: i + 1, message: `cannot find module '${spec}'` };
  }
  const frame = new RegExp(`${escapeRegExp(resolve(file))}:(\\d+):\\d+`).exec(e.stack ?? '');
  return { line: frame ? Number(frame[1]) : 1, message: message.split('\n')[0] };
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function exportLine(text: string, name: string): number {
  const i = text.split(/\r?\n/).findIndex((l) => new RegExp(`\\bexport\\b.*\\b${name}\\b`).test(l));
  return i >= 0 ? i + 1 : 1;
}

/**
 * `file:line:col` of the innermost frame of `error` in a code migration, for a failure's
 * message: the module's own line rather than pg's or pgfleet's.
 */
export function codeFrame(error: unknown, m: Migration): string | null {
  if (!m.code) return null;
  const stack = (error as Error)?.stack ?? '';
  const abs = resolve(m.code.file);
  const hit = new RegExp(`(?:file://)?${escapeRegExp(abs)}(?:\\?[^:]*)?:(\\d+):(\\d+)`).exec(stack);
  if (!hit) return null;
  // Relative to where pgfleet runs, as a reader types it, unless the file is elsewhere.
  const rel = relative(process.cwd(), abs);
  const shown = rel === '' || rel.startsWith('..') || isAbsolute(rel) ? abs : rel;
  return `${shown}:${hit[1]}:${hit[2]}`;
}

function invalid(file: string, line: number, message: string, hint = CODE_HINT): PgfleetError {
  const diagnostics: Diagnostic[] = [{ file, line, col: 1, pointer: '', message }];
  return new PgfleetError('input', `${file}:${line}: ${message}`, { hint, diagnostics });
}

function invalidAll(file: string, problems: readonly { line: number; message: string }[]): PgfleetError {
  const sorted = [...problems].sort((a, b) => a.line - b.line);
  return new PgfleetError(
    'input',
    `${file} is not a valid code migration:\n${sorted.map((p) => `${file}:${p.line}: ${p.message}`).join('\n')}`,
    {
      hint: CODE_HINT,
      diagnostics: sorted.map((p) => ({ file, line: p.line, col: 1, pointer: '', message: p.message })),
    },
  );
}

import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config/config.js';
import { displayName } from '../config/config.js';
import { type Diagnostic, PgfleetError } from '../errors.js';
import type { Model, Scope } from '../model/types.js';
import { modelFileValidator } from '../yaml/json-schemas.js';
import { schemaDiagnostics } from '../yaml/schema-diagnostics.js';
import { isStackOverflow, YamlSource } from '../yaml/yaml-source.js';
import { convertFile, fileScopes } from './convert-file.js';
import { describeModelPath } from './describe-path.js';
import type { FileObjects } from './drafts.js';
import { firstTables, mergeScope } from './merge-scope.js';
import type { RawFile } from './raw-model.js';
import { type SourceIndex, sourceIndex } from './source-index.js';

export type { SourceIndex } from './source-index.js';

export interface LoadedModel {
  readonly shared: Model;
  readonly tenant: Model;
  readonly sources: SourceIndex;
}

const YAML_FILE = /\.ya?ml$/;

/**
 * Read the model: `<model>/shared/*.yaml` and `<model>/tenant/*.yaml` (also `.yml`), each
 * folder sorted by file name; a file may set `scope: shared | tenant | both`, and a file
 * directly in `<model>` must. Every file is checked against pgfleet.schema.json and the
 * merged scopes against the semantic rules; all problems of all files come back at once
 * as one `PgfleetError('input')` whose diagnostics point at `file:line:col`.
 *
 * @example
 * const { shared, tenant, sources } = await loadModel(await loadConfig({}));
 */
export async function loadModel(config: Config): Promise<LoadedModel> {
  const paths = await modelFilePaths(config.model);
  const validate = await modelFileValidator();
  const diagnostics: Diagnostic[] = [];
  const report = (d: Diagnostic) => diagnostics.push(d);
  const files: { source: YamlSource; raw: RawFile; scopes: Scope[] }[] = [];
  let allReadable = true;

  for (const { path, folderScope } of paths) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (cause) {
      const message = `cannot read this file: ${(cause as Error).message}`;
      diagnostics.push({ file: displayName(path), line: 1, col: 1, pointer: '', message });
      allReadable = false;
      continue;
    }
    try {
      const source = YamlSource.parse(displayName(path), text);
      const syntax = source.syntaxDiagnostics();
      if (syntax.length > 0) {
        diagnostics.push(...syntax);
        allReadable = false;
        continue;
      }
      const parsed = source.value();
      if (!parsed.ok) {
        diagnostics.push(parsed.diagnostic);
        allReadable = false;
        continue;
      }
      // An empty file (or one with only comments) declares nothing.
      const value = parsed.value ?? {};
      if (!validate(value)) {
        diagnostics.push(...schemaDiagnostics(validate.errors ?? [], source, describeModelPath));
        allReadable = false;
        continue;
      }
      const raw = value as RawFile;
      const scopes = fileScopes(raw, folderScope);
      if (scopes === null) {
        report(
          source.diagnostic(
            [],
            'a file directly in the model folder needs `scope: shared | tenant | both`',
            'or move it into shared/ or tenant/',
          ),
        );
        continue;
      }
      files.push({ source, raw, scopes });
    } catch (error) {
      // The YAML parser and the validator recurse: a file nested thousands of levels deep
      // would overflow the stack. It is bad input, not a crash.
      if (!isStackOverflow(error)) throw error;
      diagnostics.push({
        file: displayName(path),
        line: 1,
        col: 1,
        pointer: '',
        message: 'this file nests too deeply to read',
        hint: 'the model format needs only a few levels of nesting; look for runaway [ or {',
      });
      allReadable = false;
    }
  }

  const objects: Record<Scope, FileObjects[]> = { shared: [], tenant: [] };
  for (const { source, raw, scopes } of files) {
    for (const scope of scopes) objects[scope].push(convertFile(raw, { source, scope, report }));
  }
  const tables = { shared: firstTables(objects.shared), tenant: firstTables(objects.tenant) };
  const merge = (scope: Scope) =>
    mergeScope({ scope, files: objects[scope], tables, checkReferences: allReadable, report });
  const shared = merge('shared');
  const tenant = merge('tenant');

  if (diagnostics.length > 0) throw modelError(diagnostics);
  return { shared, tenant, sources: sourceIndex(files) };
}

/** One error for all problems: duplicates (a `both` file is checked once per scope) removed, in file order. */
export function modelError(diagnostics: readonly Diagnostic[]): PgfleetError {
  const seen = new Set<string>();
  const unique = diagnostics.filter((d) => {
    const key = `${d.file}\0${d.line}\0${d.col}\0${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  unique.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.col - b.col));
  const n = unique.length;
  return new PgfleetError('input', `${n} ${n === 1 ? 'problem' : 'problems'} in the model`, {
    diagnostics: unique,
    hint: 'fix the places listed above; `pgfleet validate` checks again without touching a database',
  });
}

async function modelFilePaths(model: string): Promise<{ path: string; folderScope: Scope | null }[]> {
  if (!(await isDirectory(model))) {
    throw new PgfleetError('input', `the model folder ${displayName(model)} does not exist`, {
      hint: 'create it with shared/ and tenant/ subfolders, or set `model` in pgfleet.yaml',
    });
  }
  const yamlFiles = async (dir: string) => {
    if (!(await isDirectory(dir))) return [];
    const entries = await readdir(dir, { withFileTypes: true });
    return entries
      .filter((e) => e.isFile() && YAML_FILE.test(e.name))
      .map((e) => e.name)
      .sort()
      .map((name) => join(dir, name));
  };
  return [
    ...(await yamlFiles(join(model, 'shared'))).map((path) => ({ path, folderScope: 'shared' as const })),
    ...(await yamlFiles(join(model, 'tenant'))).map((path) => ({ path, folderScope: 'tenant' as const })),
    ...(await yamlFiles(model)).map((path) => ({ path, folderScope: null })),
  ];
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

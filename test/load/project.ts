import { rm } from 'node:fs/promises';
import { afterAll, expect } from 'vitest';
import { type Config, loadConfig } from '../../src/config/config.js';
import { type Diagnostic, PgfleetError } from '../../src/errors.js';
import { type LoadedModel, loadModel } from '../../src/load/index.js';
import { projectDir } from '../support/project-dir.js';

const made: string[] = [];
afterAll(async () => {
  await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A throw-away project folder holding `files` (paths relative to it, e.g. `schema/tenant/a.yaml`). */
export async function project(files: Record<string, string>): Promise<string> {
  const root = await projectDir({ prefix: 'pgfleet-load-', folders: ['schema'], files });
  made.push(root);
  return root;
}

/** The config of a project folder, with an empty environment. */
export const configOf = (root: string): Promise<Config> => loadConfig({ cwd: root, env: {} });

/** Load the model of a project made from `files`. */
export async function load(files: Record<string, string>): Promise<LoadedModel> {
  return loadModel(await configOf(await project(files)));
}

/** The diagnostics of the one input error that `work` must throw. */
export async function inputProblems(work: Promise<unknown>): Promise<readonly Diagnostic[]> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PgfleetError);
  const e = error as PgfleetError;
  expect(e.code).toBe('input');
  expect(e.diagnostics.length).toBeGreaterThan(0);
  // Never a stack trace or an ajv internal in what the user reads.
  for (const d of e.diagnostics) expect(d.message).not.toMatch(/ at .*\.(ts|js):\d+|must NOT|schemaPath/);
  return e.diagnostics;
}

/** The diagnostics of loading a model made of `files`, which must fail. */
export async function modelProblems(files: Record<string, string>): Promise<readonly Diagnostic[]> {
  return inputProblems(load(files));
}

/** `file:line:col message` of each diagnostic, with the file relative to the model folder. */
export const brief = (diagnostics: readonly Diagnostic[]): string[] =>
  diagnostics.map((d) => `${d.file.replace(/^.*\/schema\//, '')}:${d.line}:${d.col} ${d.message}`);

/** `line:col` (1-based) of the `nth` occurrence of `needle` in `text`, for expected positions. */
export function at(text: string, needle: string, nth = 0): string {
  let index = -1;
  for (let i = 0; i <= nth; i++) {
    index = text.indexOf(needle, index + 1);
    if (index < 0) throw new Error(`${JSON.stringify(needle)} does not occur ${nth + 1} times`);
  }
  const before = text.slice(0, index).split('\n');
  return `${before.length}:${before[before.length - 1].length + 1}`;
}

import { mkdir, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { djangoModels } from '../codegen/django.js';
import { PgfleetError } from '../errors.js';
import { writeFileAtomic } from '../migrations/write-file-atomic.js';
import type { Project } from './project.js';

export interface CodegenOptions {
  /** The Django app the models go in: the file defaults to `<app>/pgfleet_models.py`. */
  readonly app?: string;
  /** The file to write, relative to pgfleet.yaml's folder. */
  readonly out?: string;
  /** Write nothing; report whether the file is current. */
  readonly check?: boolean;
}

export interface CodegenResult {
  /** Relative to pgfleet.yaml's folder. */
  readonly path: string;
  /** `written`: the file changed; `current`: it already said this; `stale`: with check, it differs or is missing. */
  readonly state: 'written' | 'current' | 'stale';
  readonly models: number;
  readonly skipped: ReadonlyArray<{ readonly table: string; readonly reason: string }>;
}

/**
 * Django models (`managed = False`) for every table of the model, so the ORM always matches
 * the YAML. With `check`, nothing is written and a stale file is a finding (exit 1 in CI).
 */
export async function codegenDjango(project: Project, options: CodegenOptions = {}): Promise<CodegenResult> {
  const out = options.out ?? (options.app ? join(options.app, 'pgfleet_models.py') : undefined);
  if (out === undefined) {
    throw new PgfleetError('input', 'codegen django needs --app or --out', {
      hint: "e.g. `pgfleet codegen django --app bookings` writes bookings/pgfleet_models.py; import it from the app's models.py",
    });
  }
  const path = isAbsolute(out) ? out : join(project.config.root, out);
  const module = djangoModels(
    { shared: project.shared, tenant: project.tenant },
    { app: options.out !== undefined && options.app ? options.app : null },
  );
  const before = await readFile(path, 'utf8').catch(() => null);
  const current = before === module.text;
  const shown = relative(project.config.root, path) || path;
  if (options.check || current) {
    return { path: shown, state: current ? 'current' : 'stale', models: module.models, skipped: module.skipped };
  }
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, module.text);
  return { path: shown, state: 'written', models: module.models, skipped: module.skipped };
}

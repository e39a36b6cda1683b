import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * The one builder of throw-away pgfleet projects, for tests and benchmarks (so it imports
 * nothing from vitest): a temporary folder with pgfleet.yaml, model folders and files.
 */
export interface ProjectDirOptions {
  /** Start of the folder's name in the temp dir, to tell which test left it. */
  readonly prefix?: string;
  /** `devDatabase:` of pgfleet.yaml (a URL, `embedded`, `docker:IMAGE`). */
  readonly devDatabase?: string;
  /** `database:` of pgfleet.yaml: the fleet. */
  readonly database?: string;
  /** More pgfleet.yaml, after those two lines. Without any of the three, no pgfleet.yaml is written. */
  readonly config?: string;
  /** Folders made even when empty (default `schema/shared` and `schema/tenant`). */
  readonly folders?: readonly string[];
  /** Files by path under the project (`schema/tenant/app.yaml`, or `pgfleet.yaml` itself), written last. */
  readonly files?: Readonly<Record<string, string>>;
}

/** A new project folder made as `o` says; the caller removes it (or leaves it to the OS's temp cleanup). */
export async function projectDir(o: ProjectDirOptions = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), o.prefix ?? 'pgfleet-project-'));
  for (const folder of o.folders ?? ['schema/shared', 'schema/tenant']) {
    await mkdir(join(dir, folder), { recursive: true });
  }
  if (o.devDatabase !== undefined || o.database !== undefined || o.config !== undefined) {
    const lines = [
      o.devDatabase === undefined ? '' : `devDatabase: ${o.devDatabase}\n`,
      o.database === undefined ? '' : `database: ${o.database}\n`,
      o.config ?? '',
    ];
    await writeFile(join(dir, 'pgfleet.yaml'), lines.join(''));
  }
  for (const [path, text] of Object.entries(o.files ?? {})) await writeProjectFile(dir, path, text);
  return dir;
}

/** Writes `text` at `path` under the project, making its folder. */
export async function writeProjectFile(dir: string, path: string, text: string): Promise<void> {
  await mkdir(dirname(join(dir, path)), { recursive: true });
  await writeFile(join(dir, path), text);
}

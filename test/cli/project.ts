import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serverUrl } from '../support/db.js';
import { projectDir, writeProjectFile } from '../support/project-dir.js';

export const repo = join(import.meta.dirname, '..', '..');

/**
 * A temporary pgfleet project whose dev database is the test server (so CLI runs do not
 * each start an embedded Postgres). `files` maps paths under the project to contents.
 */
export const tempProject = (files: Record<string, string> = {}, config = ''): Promise<string> =>
  projectDir({ devDatabase: serverUrl(), config, folders: [], files });

export const write = writeProjectFile;

/** A copy of the repository's example project (schema/ and generated/). */
export async function exampleCopy(): Promise<string> {
  const dir = await tempProject();
  await cp(join(repo, 'schema'), join(dir, 'schema'), { recursive: true });
  await cp(join(repo, 'generated'), join(dir, 'generated'), { recursive: true });
  return dir;
}

/**
 * Point a copy of the example project (exampleCopy) at `databaseUrl`, its tenants the rows of
 * its own tenants table, registered there by `tenant create`.
 */
export async function useDatabase(dir: string, databaseUrl: string): Promise<void> {
  const config = await readFile(join(dir, 'pgfleet.yaml'), 'utf8');
  await writeFile(
    join(dir, 'pgfleet.yaml'),
    `${config}database: ${databaseUrl}
model: schema
migrations: generated
tenants:
  query: SELECT schema_name FROM public.tenants_client WHERE schema_name <> 'public' ORDER BY 1
  register: INSERT INTO public.tenants_client (schema_name, name) VALUES ($1, $1)
`,
  );
}

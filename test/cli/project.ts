import { cp, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serverUrl } from '../support/db.js';

export const repo = join(import.meta.dirname, '..', '..');

/**
 * A temporary pgfleet project whose dev database is the test server (so CLI runs do not
 * each start an embedded Postgres). `files` maps paths under the project to contents.
 */
export async function tempProject(files: Record<string, string> = {}, config = ''): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pgfleet-project-'));
  await writeFile(join(dir, 'pgfleet.yaml'), `devDatabase: ${serverUrl()}\n${config}`);
  for (const [path, text] of Object.entries(files)) await write(dir, path, text);
  return dir;
}

export async function write(dir: string, path: string, text: string): Promise<void> {
  await mkdir(join(dir, path, '..'), { recursive: true });
  await writeFile(join(dir, path), text);
}

/** A copy of the repository's example project (schema/ and generated/). */
export async function exampleCopy(): Promise<string> {
  const dir = await tempProject();
  await cp(join(repo, 'schema'), join(dir, 'schema'), { recursive: true });
  await cp(join(repo, 'generated'), join(dir, 'generated'), { recursive: true });
  return dir;
}

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach } from 'vitest';
import { migrationPath } from '../../src/migrations/migration-id.js';
import { renderMigration } from '../../src/migrations/render-migration.js';
import type { MigrationDraft } from '../../src/migrations/types.js';

const made: string[] = [];

afterEach(async () => {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** A fresh migrations directory, removed after the test. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pgfleet-migrations-'));
  made.push(dir);
  return dir;
}

export async function put(dir: string, relative: string, text: string): Promise<void> {
  await mkdir(dirname(join(dir, relative)), { recursive: true });
  await writeFile(join(dir, relative), text);
}

export const draft = (
  scope: 'shared' | 'tenant',
  version: string,
  name: string,
  more: Partial<MigrationDraft> = {},
) => ({
  scope,
  version,
  name,
  up: `-- ${name}\nSELECT ${Number(version)}`,
  down: 'SELECT 0',
  ...more,
});

/** Writes a rendered migration at its conventional path. */
export const putMigration = (dir: string, d: MigrationDraft) =>
  put(dir, migrationPath(d.scope, d.version, d.name), renderMigration(d));

import { createHash } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PgfleetError } from '../../src/errors.js';
import { readMigrations } from '../../src/migrations/read-migrations.js';
import { renderMigration } from '../../src/migrations/render-migration.js';
import { computeSum, verifySum, writeSum } from '../../src/migrations/sum.js';
import { draft, put, putMigration, tempDir } from './temp-dir.js';

const h1 = (text: string) => `h1:${createHash('sha256').update(text).digest('base64')}`;

async function errorOf(p: Promise<unknown>): Promise<PgfleetError> {
  try {
    await p;
  } catch (error) {
    if (error instanceof PgfleetError) return error;
    throw error;
  }
  throw new Error('expected a PgfleetError');
}

/** A directory with two migrations per scope and a sum that matches. */
async function fresh(): Promise<string> {
  const dir = await tempDir();
  await putMigration(dir, draft('shared', '0001', 'initial'));
  await putMigration(dir, draft('tenant', '0001', 'initial'));
  await putMigration(dir, draft('tenant', '0002', 'add_capacity'));
  await writeSum(dir);
  return dir;
}

const HINT = 'run `pgfleet hash` to accept the directory as it is, after reviewing the change';

describe('pgfleet.sum', () => {
  it('lists every file with its hash, sorted, under one hash of the entries', async () => {
    const dir = await fresh();
    const files = ['shared/0001_initial.sql', 'tenant/0001_initial.sql', 'tenant/0002_add_capacity.sql'];
    const entries = await Promise.all(files.map(async (f) => `${f} ${h1(await readFile(join(dir, f), 'utf8'))}\n`));
    const expected = `${h1(entries.join(''))}\n${entries.join('')}`;
    expect(await readFile(join(dir, 'pgfleet.sum'), 'utf8')).toBe(expected);
    expect(await computeSum(dir)).toBe(expected);
  });

  it('verifies a fresh directory', async () => {
    const dir = await fresh();
    await expect(verifySum(dir)).resolves.toBeUndefined();
    await expect(readMigrations(dir)).resolves.toMatchObject({ tenant: [{}, {}] });
  });

  it('accepts no migrations and no sum file', async () => {
    const dir = await tempDir();
    await expect(verifySum(dir)).resolves.toBeUndefined();
    await expect(verifySum(join(dir, 'missing'))).resolves.toBeUndefined();
  });

  it('refuses migrations without a sum file', async () => {
    const dir = await fresh();
    await rm(join(dir, 'pgfleet.sum'));
    const error = await errorOf(readMigrations(dir));
    expect(error.message).toMatch(/pgfleet.sum is missing, but .* holds 3 migration file\(s\)/);
    expect(error.hint).toBe(HINT);
  });

  it.each([
    [
      'an edited file',
      (dir: string) => put(dir, 'tenant/0002_add_capacity.sql', 'edited'),
      'tenant/0002_add_capacity.sql',
      'edited since pgfleet.sum was written',
    ],
    [
      'a removed file',
      (dir: string) => rm(join(dir, 'tenant/0001_initial.sql')),
      'tenant/0001_initial.sql',
      'listed in pgfleet.sum but missing',
    ],
    [
      'a file added by hand',
      (dir: string) => putMigration(dir, draft('shared', '0002', 'by_hand')),
      'shared/0002_by_hand.sql',
      'not in pgfleet.sum',
    ],
  ])('refuses %s, naming it', async (_label, change, file, what) => {
    const dir = await fresh();
    await change(dir);
    const error = await errorOf(readMigrations(dir));
    expect(error.code).toBe('input');
    expect(error.message).toContain(`${join(dir, file)}: ${what}`);
    expect(error.message.split('\n')).toHaveLength(2);
    expect(error.hint).toBe(HINT);
    expect(error.diagnostics).toEqual([{ file: join(dir, file), line: 1, col: 1, pointer: '', message: what }]);

    await writeSum(dir);
    await expect(verifySum(dir)).resolves.toBeUndefined();
  });

  it('names every difference at once', async () => {
    const dir = await fresh();
    await put(dir, 'tenant/0002_add_capacity.sql', 'edited');
    await rm(join(dir, 'shared/0001_initial.sql'));
    await putMigration(dir, draft('tenant', '0003', 'extra'));
    const error = await errorOf(verifySum(dir));
    expect(error.diagnostics.map((d) => [d.file.slice(dir.length + 1), d.message])).toEqual([
      ['shared/0001_initial.sql', 'listed in pgfleet.sum but missing'],
      ['tenant/0002_add_capacity.sql', 'edited since pgfleet.sum was written'],
      ['tenant/0003_extra.sql', 'not in pgfleet.sum'],
    ]);
  });

  it('refuses a sum file edited to match an edited migration, by its first line', async () => {
    const dir = await fresh();
    const sumPath = join(dir, 'pgfleet.sum');
    const edited = renderMigration(draft('tenant', '0002', 'add_capacity', { up: 'DROP TABLE users' }));
    await put(dir, 'tenant/0002_add_capacity.sql', edited);
    const sum = await readFile(sumPath, 'utf8');
    const forged = sum.replace(/^(tenant\/0002_add_capacity\.sql) h1:\S+$/m, `$1 ${h1(edited)}`);
    expect(forged).not.toBe(sum);
    await writeFile(sumPath, forged);
    const error = await errorOf(readMigrations(dir));
    expect(error.message).toContain(`${sumPath}: its first line does not match the entries below it`);
    expect(error.hint).toBe(HINT);

    await writeSum(dir);
    await expect(readMigrations(dir)).resolves.toBeDefined();
  });

  it('refuses a malformed sum file, naming the line', async () => {
    const dir = await fresh();
    const sumPath = join(dir, 'pgfleet.sum');
    await writeFile(sumPath, `${await readFile(sumPath, 'utf8')}<<<<<<< HEAD\n`);
    const error = await errorOf(verifySum(dir));
    expect(error.diagnostics).toEqual([
      { file: sumPath, line: 5, col: 1, pointer: '', message: 'not a `<file> h1:<hash>` line' },
    ]);
  });
});

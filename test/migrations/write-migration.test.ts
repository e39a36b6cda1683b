import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMigration } from '../../src/migrations/parse-migration.js';
import { readMigrations } from '../../src/migrations/read-migrations.js';
import { renderMigration } from '../../src/migrations/render-migration.js';
import { renumber } from '../../src/migrations/renumber.js';
import { writeSum } from '../../src/migrations/sum.js';
import { writeFileAtomic } from '../../src/migrations/write-file-atomic.js';
import { writeMigration } from '../../src/migrations/write-migration.js';
import { draft, putMigration, tempDir } from './temp-dir.js';

describe('writeMigration', () => {
  it('writes the rendered file at its path, creating folders, and leaves no temporary file', async () => {
    const dir = join(await tempDir(), 'generated');
    const d = draft('tenant', '0001', 'initial', { hazards: ['drops table x and its rows'] });
    const path = await writeMigration(dir, d);
    expect(path).toBe(join(dir, 'tenant/0001_initial.sql'));
    expect(await readFile(path, 'utf8')).toBe(renderMigration(d));
    expect(await readdir(join(dir, 'tenant'))).toEqual(['0001_initial.sql']);
    await writeSum(dir);
    expect((await readMigrations(dir)).tenant.map((m) => m.hazards)).toEqual([['drops table x and its rows']]);
  });

  it('refuses to replace a file unless asked, and never a manual one', async () => {
    const dir = await tempDir();
    await writeMigration(dir, draft('tenant', '0002', 'add_x'));
    await expect(writeMigration(dir, draft('tenant', '0002', 'add_x'))).rejects.toThrow(
      /0002_add_x.sql already exists/,
    );
    await writeMigration(dir, draft('tenant', '0002', 'add_x', { up: 'SELECT 42' }), { overwrite: true });
    expect(await readFile(join(dir, 'tenant/0002_add_x.sql'), 'utf8')).toContain('SELECT 42');

    await writeMigration(dir, draft('tenant', '0003', 'data', { manual: true }));
    await expect(writeMigration(dir, draft('tenant', '0003', 'data'), { overwrite: true })).rejects.toThrow(
      /hand-written migration/,
    );
    expect(await readdir(join(dir, 'tenant'))).toEqual(['0002_add_x.sql', '0003_data.sql']);
  });

  it('refuses a version the scope already has under another name', async () => {
    const dir = await tempDir();
    await writeMigration(dir, draft('tenant', '0002', 'add_x'));
    await expect(writeMigration(dir, draft('tenant', '0002', 'add_y'))).rejects.toThrow(
      `version 0002 is taken by ${join(dir, 'tenant/0002_add_x.sql')}`,
    );
    await expect(writeMigration(dir, draft('shared', '0002', 'add_y'))).resolves.toBeDefined();
  });
});

describe('writeFileAtomic', () => {
  it('replaces a file whole and cleans up its temporary file when the rename fails', async () => {
    const dir = await tempDir();
    await writeFileAtomic(join(dir, 'f.sql'), 'one');
    await writeFileAtomic(join(dir, 'f.sql'), 'two');
    expect(await readFile(join(dir, 'f.sql'), 'utf8')).toBe('two');
    await mkdir(join(dir, 'taken'));
    await expect(writeFileAtomic(join(dir, 'taken'), 'x')).rejects.toThrow(/cannot write .*taken/);
    expect((await readdir(dir)).sort()).toEqual(['f.sql', 'taken']);
  });
});

describe('renumber', () => {
  it('renames the file and its header, keeping the rest of the text', async () => {
    const dir = await tempDir();
    await putMigration(dir, draft('tenant', '0002', 'add_capacity'));
    await putMigration(dir, draft('tenant', '0002', 'add_notes', { hazards: ['x'] }));
    await expect(readMigrations(dir, { verifySum: false })).rejects.toThrow(/share version 0002/);

    const before = await readFile(join(dir, 'tenant/0002_add_notes.sql'), 'utf8');
    const path = await renumber(dir, 'tenant', '0002_add_notes', '0003');
    expect(path).toBe(join(dir, 'tenant/0003_add_notes.sql'));
    const after = await readFile(path, 'utf8');
    expect(after).toBe(before.replace('-- pgfleet 0002_add_notes', '-- pgfleet 0003_add_notes'));
    expect(parseMigration(after, 'tenant/0003_add_notes.sql')).toMatchObject({ id: '0003_add_notes', hazards: ['x'] });
    expect(await readdir(join(dir, 'tenant'))).toEqual(['0002_add_capacity.sql', '0003_add_notes.sql']);

    await writeSum(dir);
    expect((await readMigrations(dir)).tenant.map((m) => m.id)).toEqual(['0002_add_capacity', '0003_add_notes']);
  });

  it('refuses a taken version and a missing migration', async () => {
    const dir = await tempDir();
    await putMigration(dir, draft('tenant', '0002', 'a'));
    await putMigration(dir, draft('tenant', '0003', 'b'));
    await expect(renumber(dir, 'tenant', '0002_a', '0003')).rejects.toThrow(/0003_b.sql has that version/);
    await expect(renumber(dir, 'tenant', '0009_zz', '0010')).rejects.toThrow(/cannot read .*0009_zz.sql/);
    await expect(renumber(dir, 'tenant', '0002_a', '3')).rejects.toThrow(/four or more digits/);
    expect(await readdir(join(dir, 'tenant'))).toEqual(['0002_a.sql', '0003_b.sql']);
  });
});

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PgfleetError } from '../../src/errors.js';
import { readMigrations } from '../../src/migrations/read-migrations.js';
import { renderMigration } from '../../src/migrations/render-migration.js';
import { writeSum } from '../../src/migrations/sum.js';
import { draft, put, putMigration, tempDir } from './temp-dir.js';

async function errorOf(p: Promise<unknown>): Promise<PgfleetError> {
  try {
    await p;
  } catch (error) {
    if (error instanceof PgfleetError) return error;
    throw error;
  }
  throw new Error('expected a PgfleetError');
}

describe('readMigrations', () => {
  it('reads nothing from a directory that does not exist', async () => {
    expect(await readMigrations(join(await tempDir(), 'generated'))).toEqual({ shared: [], tenant: [] });
  });

  it('reads each scope ordered by version, by number', async () => {
    const dir = await tempDir();
    await putMigration(dir, draft('tenant', '10000', 'late'));
    await putMigration(dir, draft('tenant', '0002', 'second'));
    await putMigration(dir, draft('tenant', '9999', 'wide'));
    await putMigration(dir, draft('tenant', '0001', 'initial', { requires: { scope: 'shared', version: '0001' } }));
    await putMigration(dir, draft('shared', '0001', 'initial'));
    await put(dir, 'tenant/README.md', 'not a migration');
    await put(dir, 'tenant/.0003_x.sql.1a2b.tmp', 'a leftover temporary');
    await writeSum(dir);

    const { shared, tenant } = await readMigrations(dir);
    expect(shared.map((m) => m.path)).toEqual(['shared/0001_initial.sql']);
    expect(tenant.map((m) => m.id)).toEqual(['0001_initial', '0002_second', '9999_wide', '10000_late']);
    const first = tenant[0];
    expect(first).toMatchObject({
      scope: 'tenant',
      version: '0001',
      name: 'initial',
      requires: { scope: 'shared', version: '0001' },
    });
    expect(first.up).toBe('-- initial\nSELECT 1');
  });

  it('refuses file names that are not NNNN_name.sql, naming each', async () => {
    const dir = await tempDir();
    await put(dir, 'tenant/2_add_x.sql', '');
    await put(dir, 'tenant/0003_Add-X.sql', '');
    await put(dir, 'stray.sql', '');
    const error = await errorOf(readMigrations(dir));
    expect(error.code).toBe('input');
    expect(error.message).toContain(`${join(dir, 'tenant/2_add_x.sql')}: the name must be NNNN_name.sql`);
    expect(error.message).toContain(join(dir, 'tenant/0003_Add-X.sql'));
    expect(error.message).toContain(`${join(dir, 'stray.sql')}: migration files live in`);
  });

  it('refuses two files with one version, naming both and how to fix it', async () => {
    const dir = await tempDir();
    await putMigration(dir, draft('tenant', '0001', 'initial'));
    await writeSum(dir);
    await putMigration(dir, draft('tenant', '0002', 'add_capacity'));
    await putMigration(dir, draft('tenant', '0002', 'add_notes'));
    // What git leaves after merging two branches that each rewrote the sum.
    await put(dir, 'pgfleet.sum', '<<<<<<< HEAD\nh1:x\n=======\nh1:y\n>>>>>>> feature\n');
    const error = await errorOf(readMigrations(dir));
    expect(error.message).toContain(
      `${join(dir, 'tenant/0002_add_capacity.sql')} and ${join(dir, 'tenant/0002_add_notes.sql')} share version 0002`,
    );
    expect(error.message).toMatch(/two branches/);
    expect(error.hint).toMatch(/pgfleet generate --renumber/);
    expect(error.hint).toMatch(/renumber the newer one/);
  });

  it('sees a conflict between versions of different widths', async () => {
    const dir = await tempDir();
    await putMigration(dir, draft('shared', '0010', 'a'));
    await putMigration(dir, draft('shared', '00010', 'b'));
    const error = await errorOf(readMigrations(dir));
    expect(error.message).toContain(join(dir, 'shared/0010_a.sql'));
    expect(error.message).toContain(join(dir, 'shared/00010_b.sql'));
    expect(error.message).toMatch(/share version 0010$/m);
  });

  it('refuses a header scope that is not its folder', async () => {
    const dir = await tempDir();
    await put(dir, 'shared/0001_initial.sql', renderMigration(draft('tenant', '0001', 'initial')));
    await writeSum(dir);
    const error = await errorOf(readMigrations(dir));
    expect(error.message).toContain(`${join(dir, 'shared/0001_initial.sql')}:2: the header says \`-- scope: tenant\``);
  });

  it('names every file that does not parse', async () => {
    const dir = await tempDir();
    await put(dir, 'tenant/0001_a.sql', 'SELECT 1;');
    await put(dir, 'tenant/0002_b.sql', renderMigration(draft('tenant', '0002', 'b')).replace('-- +down', ''));
    await writeSum(dir);
    const error = await errorOf(readMigrations(dir));
    expect(error.diagnostics.map((d) => [d.file, d.line])).toEqual([
      [join(dir, 'tenant/0001_a.sql'), 1], // not `-- pgfleet ...`
      [join(dir, 'tenant/0001_a.sql'), 1], // no `-- +up`
      [join(dir, 'tenant/0001_a.sql'), 1], // no `-- +down`
      [join(dir, 'tenant/0002_b.sql'), 11],
    ]);
  });

  it('refuses a requires of a migration that does not exist, unless a squash replaced it', async () => {
    const dir = await tempDir();
    await putMigration(dir, draft('shared', '0004', 'squashed', { replaces: ['0001_a', '0002_b', '0003_c'] }));
    await putMigration(dir, draft('tenant', '0001', 'a', { requires: { scope: 'shared', version: '0002' } }));
    await writeSum(dir);
    expect((await readMigrations(dir)).tenant).toHaveLength(1);

    await putMigration(dir, draft('tenant', '0002', 'b', { requires: { scope: 'shared', version: '0005' } }));
    await writeSum(dir);
    const error = await errorOf(readMigrations(dir));
    expect(error.message).toContain(`${join(dir, 'tenant/0002_b.sql')}: requires shared 0005, which is not in shared/`);
  });

  it('skips the sum check when asked', async () => {
    const dir = await tempDir();
    await putMigration(dir, draft('tenant', '0001', 'initial'));
    await expect(readMigrations(dir)).rejects.toThrow(/pgfleet.sum is missing/);
    expect((await readMigrations(dir, { verifySum: false })).tenant).toHaveLength(1);
  });

  it('gives each migration the checksum of its file text', async () => {
    const dir = await tempDir();
    await putMigration(dir, draft('tenant', '0001', 'initial'));
    await writeSum(dir);
    const [m] = (await readMigrations(dir)).tenant;
    const { createHash } = await import('node:crypto');
    const text = await readFile(join(dir, m.path));
    expect(m.checksum).toBe(createHash('sha256').update(text).digest('hex'));
  });
});

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodeFor, PgfleetError } from '../../src/errors.js';
import { codeOf } from '../../src/migrations/code-migration.js';
import { readMigrations, writeSum } from '../../src/migrations/index.js';
import { tempDir } from './temp-dir.js';

const SQL = (id: string) =>
  `-- pgfleet ${id}\n-- scope: tenant\n-- transaction: true\n-- hazards: none\n\n-- +up\nSELECT 1;\n\n-- +down\nSELECT 1;\n`;

async function dirWith(files: Record<string, string>): Promise<string> {
  const dir = await tempDir();
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, path.split('/')[0]), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  await writeSum(dir);
  return dir;
}

describe('code migrations in the directory', () => {
  it('are read in version order with the SQL ones, their declarations taken from the exports', async () => {
    const dir = await dirWith({
      'tenant/0001_initial.sql': SQL('0001_initial'),
      'tenant/0002_fill.ts':
        "export const transaction = false;\nexport const requires = 'shared 0001';\nexport const dataOnly = true;\nexport async function up() {}\n",
      'tenant/0003_more.sql': SQL('0003_more'),
      'tenant/0004_plain.mjs': 'export async function up() {}\nexport async function down() {}\n',
      'shared/0001_initial.sql': SQL('0001_initial').replace('scope: tenant', 'scope: shared'),
    });
    const set = await readMigrations(dir);
    expect(set.tenant.map((m) => m.path)).toEqual([
      'tenant/0001_initial.sql',
      'tenant/0002_fill.ts',
      'tenant/0003_more.sql',
      'tenant/0004_plain.mjs',
    ]);
    const fill = set.tenant[1];
    expect(fill).toMatchObject({
      id: '0002_fill',
      transactional: false,
      requires: { scope: 'shared', version: '0001' },
      manual: true,
      up: '',
      code: { reversible: false, dataOnly: true },
    });
    expect(set.tenant[3].code).toMatchObject({ reversible: true, dataOnly: false });
    expect(set.tenant[3].transactional).toBe(true);
  });

  it('refuses bad declarations with the line of each, exit 2', async () => {
    const dir = await dirWith({
      'tenant/0001_bad.ts':
        "export const transaction = 'no';\nexport const requires = 'shared';\nexport const down = 3;\n",
    });
    const e = await readMigrations(dir).catch((x) => x);
    expect(e).toBeInstanceOf(PgfleetError);
    expect(exitCodeFor(e)).toBe(2);
    expect(e.message).toContain('0001_bad.ts:1: `transaction` is true or false, not "no"');
    expect(e.message).toContain("0001_bad.ts:2: expected `export const requires = 'shared NNNN'`");
    expect(e.message).toContain('0001_bad.ts:3: `down` is exported but is not a function');
    expect(e.message).toContain('exports no `up` function');
  });

  it('are covered by pgfleet.sum, and a .d.ts beside them is not a migration', async () => {
    const dir = await dirWith({ 'tenant/0001_a.ts': 'export async function up() {}\n' });
    await writeFile(join(dir, 'tenant', '0001_a.d.ts'), 'export declare function up(): Promise<void>;\n');
    expect((await readMigrations(dir)).tenant).toHaveLength(1);
    await writeFile(join(dir, 'tenant', '0001_a.ts'), 'export async function up() { /* edited */ }\n');
    const e = await readMigrations(dir).catch((x) => x);
    expect(e.message).toContain('0001_a.ts: edited since pgfleet.sum was written');
  });
});

describe('code migrations read for generate (codeFromCache)', () => {
  it('are imported once per text: later reads take the declarations from the cache and import only to run', async () => {
    // Each import of the module bumps a counter (tsImport gives each its own namespace).
    const text = `globalThis.__pgfleetImports = (globalThis.__pgfleetImports ?? 0) + 1;\nexport const dataOnly = true;\nexport const requires = 'shared 0001';\nexport async function up() { return 'up ${Date.now()}'; }\n`;
    const files = {
      'tenant/0002_fill.ts': text,
      'shared/0001_initial.sql': SQL('0001_initial').replace('scope: tenant', 'scope: shared'),
    };
    const imports = () => (globalThis as { __pgfleetImports?: number }).__pgfleetImports ?? 0;
    const before = imports();
    const first = (await readMigrations(await dirWith(files), { codeFromCache: true })).tenant[0];
    expect(imports()).toBe(before + 1);
    // The same text in another directory: nothing imported, the same declarations.
    const second = (await readMigrations(await dirWith(files), { codeFromCache: true })).tenant[0];
    expect(imports()).toBe(before + 1);
    expect(second).toMatchObject({ transactional: true, requires: { scope: 'shared', version: '0001' } });
    expect(second.code).toMatchObject({ reversible: false, dataOnly: true });
    // Run, it is imported then.
    expect(typeof (await codeOf(second)).up).toBe('function');
    expect(imports()).toBe(before + 2);
    // The fleet commands read without the cache: the module is imported, proving it loads.
    await readMigrations(await dirWith(files));
    expect(imports()).toBe(before + 3);
    expect(first.checksum).toBe(second.checksum);
  });
});

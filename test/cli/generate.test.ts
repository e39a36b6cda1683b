import { readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleCopy, tempProject, write } from './project.js';
import { runCli } from './run-cli.js';

const shared = `tables:
  users_user:
    columns:
      id: { type: bigint, identity: by default }
      email: { type: varchar(254), unique: true }
    primaryKey: [id]
`;

const v1 = `tables:
  services_service:
    columns:
      id: { type: bigint, identity: always }
      name: { type: varchar(200) }
      price: { type: text }
      legacy_code: { type: text, nullable: true }
      owner_id: { type: bigint, references: { table: shared.users_user } }
    primaryKey: [id]
`;

const v2 = `tables:
  services_service:
    columns:
      id: { type: bigint, identity: always }
      title: { type: varchar(200), renamedFrom: name }
      price: { type: numeric(10,2), using: price::numeric(10,2) }
      legacy_code: { type: text, backfill: unknown }
      owner_id: { type: bigint, references: { table: shared.users_user } }
      capacity: { type: integer, default: 1, comment: Max customers per booking }
    primaryKey: [id]
`;

const v3 = `tables:
  services_service:
    columns:
      id: { type: bigint, identity: always }
      title: { type: varchar(200), renamedFrom: name }
      price: { type: numeric(10,2), using: price::numeric(10,2) }
      owner_id: { type: bigint, references: { table: shared.users_user } }
      capacity: { type: integer, default: 1, comment: Max customers per booking }
    primaryKey: [id]
    indexes:
      services_service_title_idx: { columns: [title], concurrently: true }
`;

const files = async (dir: string, scope: string) => (await readdir(join(dir, 'generated', scope))).sort();
const read = (dir: string, path: string) => readFile(join(dir, 'generated', path), 'utf8');

// Each step runs the CLI as a user would; on a loaded 2-core machine a step takes seconds.
describe('pgfleet generate on a project that evolves', { timeout: 240_000 }, () => {
  it('writes verified migrations v1 → v2 → v3, gates destructive changes, checks, prints, and protects the directory', async () => {
    const dir = await tempProject({ 'schema/shared/users.yaml': shared, 'schema/tenant/services.yaml': v1 });

    const first = await runCli(['generate'], { cwd: dir });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(await files(dir, 'shared')).toEqual(['0001_initial.sql']);
    expect(await files(dir, 'tenant')).toEqual(['0001_initial.sql']);
    expect(await read(dir, 'tenant/0001_initial.sql')).toMatch(
      /^-- pgfleet 0001_initial\n-- scope: tenant\n-- requires: shared 0001\n/,
    );
    expect((await runCli(['generate', '--check'], { cwd: dir })).code).toBe(0);

    // v2: rename, type change with USING, backfill then NOT NULL, a new column.
    await write(dir, 'schema/tenant/services.yaml', v2);
    const missing = await runCli(['generate', '--check', '--json'], { cwd: dir });
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout)).toMatchObject({
      upToDate: false,
      written: false,
      migrations: [{ scope: 'tenant' }],
    });
    expect(await files(dir, 'tenant')).toEqual(['0001_initial.sql']);

    const second = await runCli(['generate', '--name', 'Service details'], { cwd: dir });
    expect(second.code).toBe(0);
    expect(await files(dir, 'tenant')).toEqual(['0001_initial.sql', '0002_service_details.sql']);
    const m2 = await read(dir, 'tenant/0002_service_details.sql');
    expect(m2).toContain('ALTER TABLE services_service RENAME COLUMN name TO title;');
    expect(m2).toContain(
      'ALTER TABLE services_service ALTER COLUMN price TYPE numeric(10,2) USING price::numeric(10,2);',
    );
    // NOT NULL on a table that exists: a NOT VALID check, the backfill in committed batches, VALIDATE, SET NOT NULL.
    expect(m2).toContain(
      'ADD CONSTRAINT services_service_legacy_code_not_null CHECK (legacy_code IS NOT NULL) NOT VALID;',
    );
    expect(m2).toMatch(
      /-- \+step transaction: false\nDO \$pgfleet_backfill\$[\s\S]*UPDATE services_service SET legacy_code = 'unknown'/,
    );
    expect(m2).toMatch(
      /-- \+step transaction: true\n-- hazard validates: [^\n]*\nALTER TABLE services_service VALIDATE CONSTRAINT/,
    );
    expect(m2).toContain('ALTER TABLE services_service ALTER COLUMN legacy_code SET NOT NULL;');
    expect(m2).not.toMatch(/^-- transaction:/m);
    expect(m2).toMatch(/-- \+down\n[\s\S]*RENAME COLUMN title TO name/);
    expect(m2).toMatch(/-- hazards: .*rewrites services_service/);

    // v3: a dropped column is refused without --allow-destructive, and nothing is written.
    await write(dir, 'schema/tenant/services.yaml', v3);
    const refused = await runCli(['generate'], { cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/drops column services_service\.legacy_code/);
    expect(refused.stderr).toMatch(/--allow-destructive/);
    expect(await files(dir, 'tenant')).toHaveLength(2);

    const third = await runCli(['generate', '--allow-destructive'], { cwd: dir });
    expect(third.code).toBe(0);
    const tenantFiles = await files(dir, 'tenant');
    expect(tenantFiles).toHaveLength(3);
    const m3 = await read(dir, `tenant/${tenantFiles[2]}`);
    expect(m3).toMatch(/-- hazards: drops column services_service\.legacy_code and its data;.*; down is not exact/);
    expect(m3).toMatch(/-- not exact: re-adds column services_service\.legacy_code without its data/);
    // The concurrent build is a step of the same migration, outside a transaction.
    expect(m3).toMatch(
      /-- \+step transaction: false\n-- hazard index_build: [^\n]*\nCREATE INDEX CONCURRENTLY services_service_title_idx ON services_service \(title\);/,
    );
    expect((await runCli(['generate', '--check'], { cwd: dir })).code).toBe(0);

    // sql prints one section.
    const up = await runCli(['sql', '0002', '--scope', 'tenant'], { cwd: dir });
    expect(up.code).toBe(0);
    expect(up.stdout).toContain('RENAME COLUMN name TO title');
    const down = await runCli(['sql', '0002_service_details', '--down'], { cwd: dir });
    expect(down.stdout).toContain('RENAME COLUMN title TO name');
    expect((await runCli(['sql', '0001'], { cwd: dir })).code).toBe(2); // in both scopes: ambiguous

    // An edited migration is refused by name until the sum is refreshed.
    await writeFile(join(dir, 'generated/tenant/0002_service_details.sql'), `${m2}\n-- reviewed\n`);
    const edited = await runCli(['generate', '--check'], { cwd: dir });
    expect(edited.code).toBe(2);
    expect(edited.stderr).toMatch(/tenant\/0002_service_details\.sql.*edited/);
    expect((await runCli(['hash'], { cwd: dir })).code).toBe(0);
    expect((await runCli(['generate', '--check'], { cwd: dir })).code).toBe(0);

    // A bad model is bad input for --check too.
    await write(dir, 'schema/tenant/broken.yaml', 'tables: [');
    expect((await runCli(['generate', '--check'], { cwd: dir })).code).toBe(2);
  });

  it('adds an empty hand-written migration that replay includes and generate leaves alone', async () => {
    const dir = await tempProject({ 'schema/shared/users.yaml': shared, 'schema/tenant/services.yaml': v1 });
    expect((await runCli(['generate'], { cwd: dir })).code).toBe(0);
    const made = await runCli(['new', '--scope', 'tenant', '--name', 'backfill prices', '--json'], { cwd: dir });
    expect(made.code).toBe(0);
    expect(JSON.parse(made.stdout).id).toBe('0002_backfill_prices');
    const text = await read(dir, 'tenant/0002_backfill_prices.sql');
    expect(text).toMatch(/-- manual: true/);
    expect(text).toMatch(/-- \+up[\s\S]*-- \+down/);
    // Hand-written DDL is part of the replayed state: the model then differs from it.
    await writeFile(
      join(dir, 'generated/tenant/0002_backfill_prices.sql'),
      text
        .replace(
          '-- Write the forward SQL here, e.g. UPDATE ... SET ...;',
          'ALTER TABLE services_service ADD COLUMN note text;',
        )
        .replace('-- Write the SQL that undoes it here.', 'ALTER TABLE services_service DROP COLUMN note;'),
    );
    expect((await runCli(['hash'], { cwd: dir })).code).toBe(0);
    const gen = await runCli(['generate', '--allow-destructive'], { cwd: dir });
    expect(gen.code).toBe(0);
    expect(await read(dir, 'tenant/0003_drop_services_service_note.sql')).toContain(
      'ALTER TABLE services_service DROP COLUMN note;',
    );
  });

  it('detects two migrations with one number after a merge and renumbers the newer one', async () => {
    const dir = await tempProject({ 'schema/shared/users.yaml': shared, 'schema/tenant/services.yaml': v1 });
    expect((await runCli(['generate'], { cwd: dir })).code).toBe(0);
    await write(
      dir,
      'schema/tenant/services.yaml',
      v1.replace(
        'legacy_code: { type: text, nullable: true }',
        'legacy_code: { type: text, nullable: true }\n      a: { type: integer, nullable: true }',
      ),
    );
    expect((await runCli(['generate', '--name', 'branch a'], { cwd: dir })).code).toBe(0);
    // The other branch's 0002, arriving with the merge (newer, not in pgfleet.sum).
    const other = (await read(dir, 'tenant/0002_branch_a.sql'))
      .replaceAll('branch_a', 'branch_b')
      .replaceAll(' a integer', ' b integer')
      .replaceAll('COLUMN a', 'COLUMN b');
    await write(dir, 'generated/tenant/0002_branch_b.sql', other);
    const later = new Date(Date.now() + 5000);
    await utimes(join(dir, 'generated/tenant/0002_branch_b.sql'), later, later);

    const conflict = await runCli(['generate', '--check'], { cwd: dir });
    expect(conflict.code).toBe(2);
    expect(conflict.stderr).toMatch(/0002_branch_a\.sql/);
    expect(conflict.stderr).toMatch(/0002_branch_b\.sql/);

    await write(
      dir,
      'schema/tenant/services.yaml',
      v1.replace(
        'legacy_code: { type: text, nullable: true }',
        'legacy_code: { type: text, nullable: true }\n      a: { type: integer, nullable: true }\n      b: { type: integer, nullable: true }',
      ),
    );
    const fixed = await runCli(['generate', '--renumber', '--check'], { cwd: dir });
    expect(fixed.stdout).toMatch(/renumbered tenant\/0002_branch_b → 0003_branch_b/);
    expect(fixed.code).toBe(0);
    expect(await files(dir, 'tenant')).toEqual(['0001_initial.sql', '0002_branch_a.sql', '0003_branch_b.sql']);
  });

  it('squashes migrations into one that replays to the same schema', async () => {
    const dir = await tempProject({ 'schema/shared/users.yaml': shared, 'schema/tenant/services.yaml': v1 });
    expect((await runCli(['generate'], { cwd: dir })).code).toBe(0);
    await write(dir, 'schema/tenant/services.yaml', v2);
    expect((await runCli(['generate'], { cwd: dir })).code).toBe(0);
    await write(dir, 'schema/tenant/services.yaml', v3);
    expect((await runCli(['generate', '--allow-destructive'], { cwd: dir })).code).toBe(0);

    const squashed = await runCli(['squash', '--scope', 'tenant', '--to', '0003', '--json'], { cwd: dir });
    expect(squashed.stderr).toBe('');
    expect(squashed.code).toBe(0);
    expect(JSON.parse(squashed.stdout).replaces).toHaveLength(3);
    const names = await files(dir, 'tenant');
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/^0003_squashed_0001_0003\.sql$/);
    expect(await read(dir, `tenant/${names[0]}`)).toMatch(/-- replaces: 0001_initial, 0002_/);
    expect((await runCli(['generate', '--check'], { cwd: dir })).code).toBe(0);
  });
});

describe('generate keeps plan order across transaction boundaries', { timeout: 240_000 }, () => {
  it('commits a new enum value in a step of its own before the step that uses it', async () => {
    const enumModel = (values: string, defaultValue: string) =>
      `enums:\n  status: [${values}]\ntables:\n  t:\n    columns:\n      id: { type: bigint, identity: always }\n      s: { type: status, default: ${defaultValue} }\n    primaryKey: [id]\n`;
    const dir = await tempProject({ 'schema/tenant/t.yaml': enumModel('new, done', 'new') });
    expect((await runCli(['generate'], { cwd: dir })).code).toBe(0);
    await write(dir, 'schema/tenant/t.yaml', enumModel('new, open, done', 'open'));
    const r = await runCli(['generate', '--name', 'open status'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(await files(dir, 'tenant')).toEqual(['0001_initial.sql', '0002_open_status.sql']);
    const m = await read(dir, 'tenant/0002_open_status.sql');
    expect(m).toMatch(
      /-- \+up\n-- \+step transaction: false\nALTER TYPE status ADD VALUE 'open' AFTER 'new';\n\n-- \+step transaction: true\n.*SET DEFAULT 'open'::status/,
    );
  });
});

describe('the example project', () => {
  it('generated/ is exactly what schema/ gives (run `pgfleet generate` after changing schema/)', async () => {
    const r = await runCli(['generate', '--check'], { cwd: await exampleCopy() });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});

import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/api/fleet.js';
import { generate } from '../../src/api/generate.js';
import { loadProject } from '../../src/api/project.js';
import { serverMajor } from '../../src/devdb/server-major.js';
import { diff } from '../../src/diff/diff.js';
import { PgfleetError } from '../../src/errors.js';
import { draftsFor } from '../../src/migrations/drafts-for.js';
import { writeSum } from '../../src/migrations/index.js';
import { column, model, table } from '../../src/model/build.js';
import { plan } from '../../src/plan/plan.js';
import { serverUrl, testDatabase } from '../support/db.js';
import { projectDir } from '../support/project-dir.js';

const withFullName = (expression: string) =>
  model({
    tables: [
      table('person', [
        column('first', 'text'),
        column('last', 'text'),
        column('full_name', 'text', { nullable: true, generated: expression }),
      ]),
    ],
  });

describe('a changed generation expression', () => {
  const from = withFullName("(first || ' '::text) || last");
  const to = withFullName("(last || ', '::text) || first");
  const planFor = (serverMajor: number) =>
    plan(diff(from, to, { serverMajor }), { scope: 'tenant', sharedSchema: 'public', serverMajor });

  it('is SET EXPRESSION from Postgres 17 on, and the migration says it needs 17', () => {
    const p = planFor(17);
    expect(p.up.map((s) => s.sql)).toEqual([
      `ALTER TABLE person ALTER COLUMN full_name SET EXPRESSION AS ((last || ', '::text) || first)`,
    ]);
    const [{ draft }] = draftsFor('tenant', p, [], { requires: null });
    expect(draft.postgres).toBe(17);
  });

  it('is drop and add of the column before 17, losing nothing, for any Postgres', () => {
    for (const major of [15, 16]) {
      const p = planFor(major);
      expect(p.up.map((s) => s.sql)).toEqual([
        'ALTER TABLE person DROP COLUMN full_name',
        `ALTER TABLE person ADD COLUMN full_name text GENERATED ALWAYS AS ((last || ', '::text) || first) STORED`,
      ]);
      expect(p.down.map((s) => s.sql)[1]).toMatch(/GENERATED ALWAYS AS \(\(first/);
      expect(p.hazards.map((h) => h.kind)).toEqual(['rewrites_table']);
      const [{ draft }] = draftsFor('tenant', p, [], { requires: null });
      expect(draft.postgres).toBeUndefined();
    }
  });
});

describe('migrate and a migration generated for a newer Postgres', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('generates for the dev database major, and refuses a migration the server is too old for before running anything; exit 2', async () => {
    const db = await testDatabase();
    const major = await serverMajor(db.client);
    const dir = await projectDir({
      prefix: 'pgfleet-major-',
      devDatabase: serverUrl(),
      database: db.url,
      folders: ['schema/shared'],
    });
    dirs.push(dir);
    const model = (expression: string) =>
      `tables:\n  person:\n    columns:\n      first: { type: text }\n      last: { type: text }\n      full_name: { type: text, generated: { sql: "${expression}" } }\n`;
    const project = () => loadProject({ configPath: join(dir, 'pgfleet.yaml') });
    await writeFile(join(dir, 'schema', 'shared', 'person.yaml'), model("first || ' ' || last"));
    await generate(await project());
    await writeFile(join(dir, 'schema', 'shared', 'person.yaml'), model("last || ', ' || first"));
    const second = await generate(await project());
    const path = join(dir, 'generated', second.migrations[0].path);
    const text = await readFile(path, 'utf8');
    if (major >= 17) expect(text).toMatch(/^-- postgres: 17$/m);
    else {
      expect(text).not.toMatch(/-- postgres:/);
      expect(text).toMatch(/DROP COLUMN full_name/);
    }
    expect(await readdir(join(dir, 'generated', 'shared'))).toHaveLength(2);

    // As if generated with a dev database newer than this server.
    const newer = major + 1;
    await writeFile(
      path,
      text.replace(/^-- postgres: \d+\n/m, '').replace(/^(-- hazards:.*)$/m, `$1\n-- postgres: ${newer}`),
    );
    await writeSum(join(dir, 'generated'));
    const refused = await migrate(await project()).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PgfleetError);
    const error = refused as PgfleetError;
    expect(error.code).toBe('input');
    expect(error.message).toContain(`need Postgres ${newer} or later and this server runs ${major}`);
    expect(error.diagnostics.map((d) => d.file)).toEqual([second.migrations[0].path]);
    expect(error.hint).toContain(`PGFLEET_PG_VERSION=${major}`);
    // Nothing ran, not even the first migration.
    const tables = await db.client.query("SELECT 1 FROM pg_tables WHERE tablename = 'person'");
    expect(tables.rowCount).toBe(0);
  });
});

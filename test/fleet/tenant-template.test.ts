import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTenant, dropTenant, migrate } from '../../src/api/fleet.js';
import { generate } from '../../src/api/generate.js';
import { loadProject, type Project } from '../../src/api/project.js';
import { PgfleetError } from '../../src/errors.js';
import { runCli } from '../cli/run-cli.js';
import { serverUrl, type TestDatabase, testDatabase } from '../support/db.js';
import { projectDir } from '../support/project-dir.js';

/**
 * `tenants.template`: new tenants start with the template's rows (seed data) and sequence
 * positions, without its triggers firing again; `tenants.register` / `unregister` keep the
 * registry in step with `tenant create` / `tenant drop`.
 */
const TENANT_MODEL = `functions:
  count_service():
    sql: |
      CREATE FUNCTION count_service() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
          INSERT INTO audit (what) VALUES ('service ' || NEW.name);
          RETURN NEW;
      END $$
tables:
  audit:
    columns:
      id: { type: bigint, identity: by default }
      what: { type: text }
    primaryKey: [id]
  categories:
    columns:
      id: { type: bigint, identity: always }
      name: { type: text }
      shout: { type: text, generated: { sql: upper(name) } }
    primaryKey: [id]
  services:
    columns:
      id: { type: bigint, identity: by default }
      category_id: { type: bigint, references: { table: categories } }
      name: { type: text }
    primaryKey: [id]
    triggers:
      count_service:
        sql: CREATE TRIGGER count_service AFTER INSERT ON services FOR EACH ROW EXECUTE FUNCTION count_service()
`;

describe('tenant create from a template schema', { timeout: 120_000 }, () => {
  let db: TestDatabase;
  let project: () => Promise<Project>;
  let dir: string;
  const rows = async (sql: string) => (await db.client.query(sql)).rows;

  beforeAll(async () => {
    db = await testDatabase();
    dir = await projectDir({
      prefix: 'pgfleet-template-',
      files: {
        'schema/shared/clients.yaml':
          'tables:\n  clients:\n    columns:\n      schema_name: { type: text }\n    primaryKey: [schema_name]\n',
        'schema/tenant/app.yaml': TENANT_MODEL,
      },
    });
    const config = (template: string) => `devDatabase: ${serverUrl()}
database: ${db.url}
tenants:
  query: SELECT schema_name FROM public.clients
  register: INSERT INTO public.clients (schema_name) VALUES ($1)
  unregister: DELETE FROM public.clients WHERE schema_name = $1
${template}`;
    await writeFile(join(dir, 'pgfleet.yaml'), config('  template: tenant_template\n'));
    await writeFile(join(dir, 'without-template.yaml'), config(''));
    project = () => loadProject({ configPath: join(dir, 'pgfleet.yaml') });
    await generate(await project(), { name: 'initial' });
    await migrate(await project(), { only: { scope: 'shared' } });
  });

  it('refuses while the template does not exist, naming the fix; nothing is created', async () => {
    const r = await runCli(['tenant', 'create', 'acme', '--config', join(dir, 'pgfleet.yaml')], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the template schema "tenant_template" (tenants.template) does not exist');
    expect(r.stderr).toContain('pgfleet tenant create tenant_template');
    expect(await rows(`SELECT nspname FROM pg_namespace WHERE nspname = 'acme'`)).toEqual([]);
    expect(await rows('SELECT * FROM public.clients')).toEqual([]);
  });

  it('copies the template rows and sequence positions; the copy fires no trigger', async () => {
    // The template is built without a template of its own, then seeded.
    await createTenant(await loadProject({ configPath: join(dir, 'without-template.yaml') }), 'tenant_template');
    await db.client.query(`SET search_path = tenant_template;
      INSERT INTO categories (name) VALUES ('haircut'), ('colour');
      INSERT INTO services (category_id, name) VALUES (1, 'short'), (2, 'blonde'), (2, 'red');
      RESET search_path`);

    const created = await createTenant(await project(), 'acme');
    expect(created).toMatchObject({ schema: 'acme', version: '0001', registered: true });
    expect(await rows('SELECT id, name, shout FROM acme.categories ORDER BY id')).toEqual(
      await rows('SELECT id, name, shout FROM tenant_template.categories ORDER BY id'),
    );
    expect(await rows('SELECT * FROM acme.services ORDER BY id')).toHaveLength(3);
    // The template's audit rows are copied as rows; the trigger did not add three more.
    expect(await rows('SELECT what FROM acme.audit ORDER BY id')).toEqual(
      await rows('SELECT what FROM tenant_template.audit ORDER BY id'),
    );
    // Identity columns go on after the copied ids, and the trigger is back on.
    // (The trigger's function names its table unqualified, as tenant functions do: it runs under the tenant's search_path.)
    await db.client.query(`SET search_path = acme;
      INSERT INTO categories (name) VALUES ('nails');
      INSERT INTO services (category_id, name) VALUES (3, 'gel');
      RESET search_path`);
    expect(await rows(`SELECT id FROM acme.categories WHERE name = 'nails'`)).toEqual([{ id: '3' }]);
    expect(await rows(`SELECT id FROM acme.services WHERE name = 'gel'`)).toEqual([{ id: '4' }]);
    expect(await rows(`SELECT count(*)::int AS n FROM acme.audit WHERE what = 'service gel'`)).toEqual([{ n: 1 }]);
    // The template is untouched and the new tenant is registered.
    expect(await rows('SELECT count(*)::int AS n FROM tenant_template.services')).toEqual([{ n: 3 }]);
    expect(await rows('SELECT schema_name FROM public.clients ORDER BY 1')).toEqual([
      { schema_name: 'acme' },
      { schema_name: 'tenant_template' },
    ]);
  });

  it('refuses a template behind the latest tenant migration', async () => {
    await writeFile(
      join(dir, 'schema', 'tenant', 'app.yaml'),
      TENANT_MODEL.replace(
        '      name: { type: text }\n    primaryKey: [id]\n    triggers',
        '      name: { type: text }\n      price: { type: integer, nullable: true }\n    primaryKey: [id]\n    triggers',
      ),
    );
    await generate(await project(), { name: 'price' });
    const behind = await createTenant(await project(), 'late').catch((e: unknown) => e);
    expect(behind).toBeInstanceOf(PgfleetError);
    expect((behind as PgfleetError).message).toContain(
      'the template schema "tenant_template" is at 0001, the latest tenant migration is 0002',
    );
    expect((behind as PgfleetError).hint).toContain('pgfleet migrate --schema tenant_template');
    await migrate(await project(), { only: { schema: 'tenant_template' } });
    expect(await createTenant(await project(), 'late')).toMatchObject({ version: '0002' });
    expect(await rows('SELECT count(*)::int AS n FROM late.services')).toEqual([{ n: 3 }]);
  });

  it('tenant drop runs the unregister SQL in the same transaction', async () => {
    await dropTenant(await project(), 'acme');
    expect(await rows(`SELECT nspname FROM pg_namespace WHERE nspname = 'acme'`)).toEqual([]);
    expect(await rows(`SELECT schema_name FROM public.clients WHERE schema_name = 'acme'`)).toEqual([]);
    expect(await rows(`SELECT count(*)::int AS n FROM pgfleet.history WHERE schema_name = 'acme'`)).toEqual([{ n: 0 }]);
  });
});

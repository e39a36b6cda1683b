// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are pgfleet.yaml text, where ${VAR} is literal.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { at, brief, inputProblems, project } from '../load/project.js';

const problemsOf = (text: string, env: Record<string, string> = {}) =>
  project({ 'pgfleet.yaml': text }).then((root) => inputProblems(loadConfig({ cwd: root, env })));

describe('loadConfig', () => {
  it('without pgfleet.yaml every default applies, and DATABASE_URL is the database', async () => {
    const root = await project({});
    const config = await loadConfig({ cwd: root, env: { DATABASE_URL: 'postgres://db/app' } });
    expect(config).toEqual({
      root,
      database: 'postgres://db/app',
      devDatabase: 'embedded',
      postgres: null,
      model: join(root, 'schema'),
      migrations: join(root, 'generated'),
      shared: { schema: 'public' },
      tenants: {
        query: null,
        match: null,
        list: null,
        register: null,
        unregister: null,
        template: null,
        namePattern: '^[a-z_][a-z0-9_]*$',
        createFunction: true,
      },
      databases: [
        {
          url: 'postgres://db/app',
          tenants: {
            query: null,
            match: null,
            list: null,
            register: null,
            unregister: null,
            template: null,
            namePattern: '^[a-z_][a-z0-9_]*$',
            createFunction: true,
          },
        },
      ],
      concurrency: 4,
      rollout: null,
      online: {
        enabled: true,
        allowHazards: ['index_build', 'validates'],
        lockTimeoutMs: 1000,
        lockBudgetMs: 120000,
        statementTimeoutMs: 60000,
        longStatementTimeoutMs: 0,
      },
      ignore: { shared: [], tenant: [] },
    });
    expect((await loadConfig({ cwd: root, env: {} })).database).toBeNull();
    expect((await loadConfig({ cwd: root, env: {} })).databases).toEqual([]);
  });

  it('reads every key, resolving folders against the file', async () => {
    const root = await project({
      'conf/pgfleet.yaml': `database: postgres://db/fleet
devDatabase: postgres://scratch/postgres
model: ../model
migrations: out
shared: { schema: common }
tenants:
  list: [tenant_a, tenant_b]
  register: INSERT INTO tenants (name) VALUES ($1)
  unregister: DELETE FROM tenants WHERE name = $1
  template: tenant_template
concurrency: 16
`,
    });
    const config = await loadConfig({
      cwd: root,
      configPath: 'conf/pgfleet.yaml',
      env: { DATABASE_URL: 'postgres://ignored' },
    });
    const tenants = {
      query: null,
      match: null,
      list: ['tenant_a', 'tenant_b'],
      register: 'INSERT INTO tenants (name) VALUES ($1)',
      unregister: 'DELETE FROM tenants WHERE name = $1',
      template: 'tenant_template',
      namePattern: '^[a-z_][a-z0-9_]*$',
      createFunction: true,
    };
    expect(config).toEqual({
      root: join(root, 'conf'),
      database: 'postgres://db/fleet',
      devDatabase: 'postgres://scratch/postgres',
      postgres: null,
      model: join(root, 'model'),
      migrations: join(root, 'conf', 'out'),
      shared: { schema: 'common' },
      tenants,
      databases: [{ url: 'postgres://db/fleet', tenants }],
      concurrency: 16,
      rollout: null,
      online: {
        enabled: true,
        allowHazards: ['index_build', 'validates'],
        lockTimeoutMs: 1000,
        lockBudgetMs: 120000,
        statementTimeoutMs: 60000,
        longStatementTimeoutMs: 0,
      },
      ignore: { shared: [], tenant: [] },
    });
  });

  it('--database-url wins over the config and DATABASE_URL, and needs no variable of `database`', async () => {
    const root = await project({ 'pgfleet.yaml': 'database: ${FLEET_URL}\n' });
    const config = await loadConfig({
      cwd: root,
      env: { DATABASE_URL: 'postgres://env' },
      databaseUrl: 'postgres://flag',
    });
    expect(config.database).toBe('postgres://flag');
  });

  it('interpolates ${VAR}, ${VAR:-fallback} and $${ in any string value', async () => {
    const root = await project({
      'pgfleet.yaml': `database: postgres://\${DB_USER}@\${DB_HOST:-localhost}/app
tenants:
  match: \${PREFIX}_%
  register: SELECT '$\${literal}', $1
`,
    });
    const config = await loadConfig({ cwd: root, env: { DB_USER: 'me', PREFIX: 'tenant' } });
    expect(config.database).toBe('postgres://me@localhost/app');
    expect(config.tenants.match).toBe('tenant_%');
    expect(config.tenants.register).toBe("SELECT '${literal}', $1");
  });

  it('a missing environment variable names the variable and its place', async () => {
    const text = 'devDatabase: embedded\ndatabase: ${DATABASE_URL}\ntenants:\n  query: SELECT ${COLUMN} FROM t\n';
    const problems = await problemsOf(text);
    expect(brief(problems).map((s) => s.replace(/^.*pgfleet\.yaml/, 'pgfleet.yaml'))).toEqual([
      `pgfleet.yaml:${at(text, '${DATABASE_URL}')} environment variable DATABASE_URL is not set`,
      `pgfleet.yaml:${at(text, 'SELECT')} environment variable COLUMN is not set`,
    ]);
    expect(problems[0].hint).toMatch(/DATABASE_URL:-/);
  });

  it('at most one of tenants.query, match and list', async () => {
    const text = 'tenants:\n  query: SELECT 1\n  list: [a]\n';
    const problems = await problemsOf(text);
    expect(problems).toHaveLength(1);
    expect(`${problems[0].line}:${problems[0].col}`).toBe(at(text, 'list'));
    expect(problems[0].message).toBe('tenants: use one of query, match and list, not query and list');
  });

  it('unknown keys get a "did you mean" hint, wrong types say what was expected', async () => {
    const text =
      'concurency: 4\ntenants:\n  querry: SELECT 1\nshared: public\nconcurrency: 0\ndevDatabase: mysql://x\n';
    const problems = await problemsOf(text);
    const messages = problems.map((d) => [`${d.line}:${d.col}`, d.message, d.hint]);
    expect(messages).toEqual([
      [at(text, 'concurency'), 'unknown key `concurency`', 'did you mean `concurrency`?'],
      [at(text, 'querry'), 'unknown key `querry` in `tenants`', 'did you mean `query`?'],
      [at(text, 'public'), '`shared` must be a map, not the string "public"', 'The shared scope.'],
      [at(text, '0'), '`concurrency` must be at least 1, not the number 0', undefined],
      [
        at(text, 'mysql'),
        '`devDatabase` must be embedded, docker:IMAGE or a postgres:// URL, not the string "mysql://x"',
        undefined,
      ],
    ]);
  });

  it('tenant schema names are checked', async () => {
    const text = 'tenants:\n  list: [ok, pg_bad, public]\n';
    const problems = await problemsOf(text);
    expect(problems.map((d) => d.message)).toEqual([
      'tenant schema "pg_bad" starts with pg_, which Postgres reserves for system schemas',
      'tenant schema "public" is the shared schema',
    ]);
  });

  it('a config path that was asked for must exist', async () => {
    const root = await project({});
    const problems = loadConfig({ cwd: root, configPath: 'elsewhere.yaml', env: {} });
    await expect(problems).rejects.toMatchObject({
      code: 'input',
      message: expect.stringMatching(/config file not found/),
    });
  });

  it('malformed YAML in pgfleet.yaml is an input error at its place', async () => {
    const problems = await problemsOf('tenants: [\n');
    expect(problems).toHaveLength(1);
    expect(problems[0].message).toMatch(/^invalid YAML/);
  });

  it('the example pgfleet.yaml at the repository root loads', async () => {
    const config = await loadConfig({ cwd: process.cwd(), env: {} });
    expect(config.devDatabase).toBe('embedded');
    expect(config.shared.schema).toBe('public');
    expect(config.tenants.query).toBe("SELECT schema_name FROM public.tenants_client WHERE schema_name <> 'public'");
    expect(config.tenants.register).toMatch(/^INSERT INTO public\.tenants_client/);
    expect(config.concurrency).toBe(4);
  });

  it('lists several databases, each with its tenants or the top-level ones, and --database-url narrows to one', async () => {
    const root = await project({
      'pgfleet.yaml': `databases:
  - url: postgres://one/app
  - url: \${SHARD2_URL}
    tenants: { list: [tenant_z] }
tenants: { match: 'tenant_%' }
`,
    });
    const config = await loadConfig({ cwd: root, env: { SHARD2_URL: 'postgres://two/app' } });
    expect(config.databases.map((d) => [d.url, d.tenants.match, d.tenants.list])).toEqual([
      ['postgres://one/app', 'tenant_%', null],
      ['postgres://two/app', null, ['tenant_z']],
    ]);
    expect(config.database).toBe('postgres://one/app');
    const narrowed = await loadConfig({ cwd: root, env: {}, databaseUrl: 'postgres://two/app' });
    expect(narrowed.databases).toEqual([
      {
        url: 'postgres://two/app',
        tenants: {
          query: null,
          match: 'tenant_%',
          list: null,
          register: null,
          unregister: null,
          template: null,
          namePattern: '^[a-z_][a-z0-9_]*$',
          createFunction: true,
        },
      },
    ]);
  });

  it('refuses database and databases together, and two tenant sources in one database', async () => {
    const root = await project({
      'pgfleet.yaml': `database: postgres://one/app
databases:
  - url: postgres://one/app
    tenants: { match: 'x%', list: [a] }
`,
    });
    await expect(loadConfig({ cwd: root, env: {} })).rejects.toMatchObject({
      diagnostics: [
        expect.objectContaining({ line: 1, message: expect.stringMatching(/either database or databases/) }),
        expect.objectContaining({ line: 4, message: expect.stringMatching(/one of query, match and list/) }),
      ],
    });
  });

  it('reads directDatabase (top level or per database, empty is none) and runLock.expirySeconds', async () => {
    const root = await project({
      'pgfleet.yaml': `database: postgres://pooler:6432/app
directDatabase: \${DIRECT_URL:-}
runLock: { expirySeconds: 2.5 }
`,
    });
    const given = await loadConfig({ cwd: root, env: { DIRECT_URL: 'postgres://db:5432/app' } });
    expect(given.databases).toEqual([expect.objectContaining({ direct: 'postgres://db:5432/app' })]);
    expect(given.runLock).toEqual({ expiryMs: 2500 });
    const flag = await loadConfig({
      cwd: root,
      env: { DIRECT_URL: 'postgres://db:5432/app' },
      databaseUrl: 'postgres://p/app',
    });
    expect(flag.databases[0].direct).toBe('postgres://db:5432/app');
    expect((await loadConfig({ cwd: root, env: {} })).databases[0].direct).toBeUndefined();

    const sharded = await project({
      'pgfleet.yaml': `databases:
  - url: postgres://pooler1/app
    directDatabase: postgres://db1/app
  - url: postgres://pooler2/app
`,
    });
    expect((await loadConfig({ cwd: sharded, env: {} })).databases.map((d) => d.direct)).toEqual([
      'postgres://db1/app',
      undefined,
    ]);
  });

  it('refuses a directDatabase that is not a URL, one at the top with databases, and a lease of no time', async () => {
    expect(await problemsOf('directDatabase: localhost:5432\n')).toEqual([
      expect.objectContaining({
        line: 1,
        message: expect.stringMatching(/`directDatabase` must be a postgres:\/\/ URL/),
      }),
    ]);
    expect(await problemsOf('directDatabase: postgres://db/app\ndatabases:\n  - url: postgres://p/app\n')).toEqual([
      expect.objectContaining({ line: 1, message: expect.stringMatching(/give directDatabase on each database/) }),
    ]);
    expect(await problemsOf('runLock: { expirySeconds: 0 }\n')).toEqual([
      expect.objectContaining({ line: 1, message: expect.stringMatching(/expirySeconds/) }),
    ]);
  });
});

describe('online settings in pgfleet.yaml', () => {
  it('reads online, allowHazards and locks, and refuses an unknown hazard kind', async () => {
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'pgfleet-online-'));
    await writeFile(
      join(dir, 'pgfleet.yaml'),
      'online: false\nallowHazards: [blocks_writes]\nlocks: { timeoutMs: 500, budgetMs: 30000, statementTimeoutMs: 1000 }\n',
    );
    const c = await loadConfig({ cwd: dir, env: {} });
    expect(c.online).toEqual({
      enabled: false,
      allowHazards: ['blocks_writes'],
      lockTimeoutMs: 500,
      lockBudgetMs: 30000,
      statementTimeoutMs: 1000,
      longStatementTimeoutMs: 0,
    });
    await writeFile(join(dir, 'pgfleet.yaml'), 'allowHazards: [explodes]\n');
    await expect(loadConfig({ cwd: dir, env: {} })).rejects.toThrow(/1 problem in pgfleet.yaml/);
  });
});

import { describe, expect, it } from 'vitest';
import { PgfleetError } from '../../src/errors.js';
import { loadModel } from '../../src/load/index.js';
import { at, brief, configOf, modelProblems, project } from './project.js';

const SERVICES = `tables:
  services_service:
    columns:
      id: { type: bigint, identity: always }
      name: { type: varchar(200) }
    primaryKey: [id]
`;

describe('loadModel reports bad input at file:line:col', () => {
  it('malformed YAML', async () => {
    const problems = await modelProblems({
      'schema/tenant/a.yaml': 'tables:\n  t:\n    columns: { id: { type: int }\n',
    });
    expect(problems).toHaveLength(1);
    expect(problems[0].file).toMatch(/schema\/tenant\/a\.yaml$/);
    expect(problems[0].line).toBeGreaterThanOrEqual(3);
    expect(problems[0].message).toMatch(/^invalid YAML: /);
  });

  it('quotes inside a { } map: the hint says to quote the SQL', async () => {
    const a = "tables:\n  t:\n    columns: { id: { type: int } }\n    checks: { c: id IN ('a', 'b') }\n";
    const problems = await modelProblems({ 'schema/tenant/a.yaml': a });
    expect(problems).toHaveLength(1);
    expect(problems[0].line).toBe(4);
    expect(problems[0].hint).toMatch(/quote the whole SQL/);
  });

  it('a key written twice in one map', async () => {
    const a = `${SERVICES}  services_service:\n    columns: {}\n`;
    const problems = await modelProblems({ 'schema/tenant/a.yaml': a });
    expect(brief(problems)).toEqual([
      `tenant/a.yaml:${at(a, 'services_service', 1)} this key is written twice in the same map`,
    ]);
  });

  it('unknown key, with the closest allowed key as hint', async () => {
    const a = 'tables:\n  t:\n    columns:\n      id: { type: bigint, nulable: true }\n';
    const problems = await modelProblems({ 'schema/tenant/a.yaml': a });
    expect(brief(problems)).toEqual([`tenant/a.yaml:${at(a, 'nulable')} unknown key \`nulable\` in column t.id`]);
    expect(problems[0].hint).toBe('did you mean `nullable`?');
    expect(problems[0].pointer).toBe('/tables/t/columns/id/nulable');
  });

  it('unknown key with nothing close lists the allowed keys', async () => {
    const a = 'tables:\n  t:\n    columns: { id: { type: int } }\n    zzz: 1\n';
    const problems = await modelProblems({ 'schema/tenant/a.yaml': a });
    expect(brief(problems)).toEqual([`tenant/a.yaml:${at(a, 'zzz')} unknown key \`zzz\` in table t`]);
    expect(problems[0].hint).toMatch(/^allowed keys: comment, renamedFrom, columns, primaryKey/);
  });

  it('a misspelt key of { sql } is one problem, not also "missing sql"', async () => {
    const a = 'tables:\n  t:\n    columns:\n      at: { type: timestamptz, default: { sqll: now() } }\n';
    const problems = await modelProblems({ 'schema/tenant/a.yaml': a });
    expect(brief(problems)).toEqual([
      `tenant/a.yaml:${at(a, 'sqll')} unknown key \`sqll\` in \`default\` of column t.at`,
    ]);
    expect(problems[0].hint).toBe('did you mean `sql`?');
  });

  it('wrong type, saying what was expected', async () => {
    const a = 'tables:\n  t:\n    columns:\n      id: { type: bigint, nullable: yes }\n      n: { type: 5 }\n';
    const problems = await modelProblems({ 'schema/tenant/a.yaml': a });
    expect(brief(problems)).toEqual([
      `tenant/a.yaml:${at(a, 'yes')} \`nullable\` of column t.id must be true or false, not the string "yes"`,
      `tenant/a.yaml:${at(a, '5')} \`type\` of column t.n must be a string, not the number 5`,
    ]);
    expect(problems[0].hint).toBe('YAML 1.2 booleans are true and false');
    expect(problems[1].hint).toBe('quote it to make it a string: "5"');
  });

  it('a polymorphic value of the wrong type says which shapes are allowed', async () => {
    const a = 'tables:\n  t:\n    columns:\n      id: { type: int, default: [1] }\n    primaryKey: id\n';
    const problems = await modelProblems({ 'schema/tenant/a.yaml': a });
    expect(brief(problems)).toEqual([
      `tenant/a.yaml:${at(a, '[1]')} \`default\` of column t.id must be a literal (string, number, true/false) or { sql: EXPR }, not a list`,
      `tenant/a.yaml:${at(a, 'id', 1)} primary key of table t must be a list of columns or { name, columns }, not the string "id"`,
    ]);
  });

  it('a missing required key and a bad enum value', async () => {
    const a = 'tables:\n  t:\n    columns:\n      id: { nullable: true }\n      n: { type: int, identity: alwys }\n';
    const problems = await modelProblems({ 'schema/tenant/a.yaml': a });
    expect(brief(problems)).toEqual([
      `tenant/a.yaml:${at(a, 'id:')} column t.id needs \`type\``,
      `tenant/a.yaml:${at(a, 'alwys')} \`identity\` of column t.n must be one of: always, by default (not the string "alwys")`,
    ]);
    expect(problems[0].hint).toMatch(/any Postgres type/i);
    expect(problems[1].hint).toBe('did you mean `always`?');
  });

  it('a foreign key to a table that does not exist', async () => {
    const a = `${SERVICES}  b:\n    columns:\n      s: { type: bigint, references: { table: services_servic } }\n`;
    const problems = await modelProblems({ 'schema/tenant/a.yaml': a });
    expect(brief(problems)).toEqual([
      `tenant/a.yaml:${at(a, 'services_servic }')} column b.s references table services_servic, which the tenant scope does not declare`,
    ]);
    expect(problems[0].hint).toBe('did you mean services_service?');
    expect(problems[0].pointer).toBe('/tables/b/columns/s/references/table');
  });

  it('a foreign key to a column that does not exist', async () => {
    const a = `${SERVICES}  b:\n    columns:\n      s: { type: bigint, references: { table: services_service, column: nam } }\n`;
    const problems = await modelProblems({ 'schema/tenant/a.yaml': a });
    expect(brief(problems)).toEqual([
      `tenant/a.yaml:${at(a, 'nam }')} column b.s references column nam, which table services_service does not have`,
    ]);
    expect(problems[0].hint).toBe('did you mean name?');
  });

  it('a multi-column foreign key: missing local and target columns, count mismatch', async () => {
    const a = `tables:
  p:
    columns: { a: { type: int }, b: { type: int } }
    primaryKey: [a, b]
  c:
    columns: { x: { type: int }, y: { type: int } }
    foreignKeys:
      c_p_fkey: { columns: [x, z], references: { table: p, columns: [a, q] } }
      c_p2_fkey: { columns: [x], references: { table: p } }
`;
    const problems = await modelProblems({ 'schema/tenant/a.yaml': a });
    expect(brief(problems)).toEqual([
      `tenant/a.yaml:${at(a, 'z]')} foreign key c_p_fkey names column z, which table c does not have`,
      `tenant/a.yaml:${at(a, 'q]')} foreign key c_p_fkey references column q, which table p does not have`,
      `tenant/a.yaml:${at(a, 'p }')} foreign key c_p2_fkey has 1 column but the primary key of p has 2 columns (a, b)`,
    ]);
  });

  it('a reference without column needs a single-column primary key, and a unique target', async () => {
    const a = `tables:
  nopk:
    columns: { a: { type: int }, b: { type: int } }
  c:
    columns:
      x: { type: int, references: { table: nopk } }
      y: { type: int, references: { table: nopk, column: b } }
`;
    const problems = await modelProblems({ 'schema/tenant/a.yaml': a });
    expect(brief(problems)).toEqual([
      `tenant/a.yaml:${at(a, 'nopk }')} column c.x references table nopk, which has no primary key`,
      `tenant/a.yaml:${at(a, 'b }')} column c.y references nopk(b), which is not its primary key or a unique constraint`,
    ]);
  });

  it('references across scopes: tenant → shared needs the prefix, shared → tenant is refused', async () => {
    const users = `tables:
  users:
    columns:
      id: { type: bigint }
      booking: { type: bigint, nullable: true, references: { table: bookings } }
    primaryKey: [id]
`;
    const bookings = `tables:
  bookings:
    columns:
      id: { type: bigint }
      user_id: { type: bigint, references: { table: users } }
      other: { type: bigint, references: { table: shared.nobody } }
    primaryKey: [id]
`;
    const problems = await modelProblems({
      'schema/shared/users.yaml': users,
      'schema/tenant/bookings.yaml': bookings,
    });
    expect(brief(problems)).toEqual([
      `shared/users.yaml:${at(users, 'bookings')} column users.booking references table bookings, which the shared scope does not declare`,
      `tenant/bookings.yaml:${at(bookings, 'users }')} column bookings.user_id references table users, which the tenant scope does not declare`,
      `tenant/bookings.yaml:${at(bookings, 'shared.nobody')} column bookings.other references table shared.nobody, which the shared scope does not declare`,
    ]);
    expect(problems[0].hint).toMatch(/bookings is a tenant table/);
    expect(problems[1].hint).toBe('users is a shared table; write shared.users');
  });

  it('the same table in two files names both places', async () => {
    const b = `# comment\n${SERVICES}`;
    const problems = await modelProblems({ 'schema/tenant/a.yaml': SERVICES, 'schema/tenant/b.yaml': b });
    expect(problems).toHaveLength(1);
    const [d] = problems;
    expect(d.file).toMatch(/tenant\/b\.yaml$/);
    expect(`${d.line}:${d.col}`).toBe(at(b, 'services_service'));
    expect(d.message).toMatch(
      new RegExp(
        `^table services_service is declared twice in the tenant scope: here and at .*tenant/a\\.yaml:${at(SERVICES, 'services_service')}$`,
      ),
    );
  });

  it('the same table in a shared and a tenant file is fine; a `both` file clashes with both', async () => {
    const ok = await loadModel(
      await configOf(await project({ 'schema/shared/a.yaml': SERVICES, 'schema/tenant/a.yaml': SERVICES })),
    );
    expect(ok.shared.tables.map((t) => t.name)).toEqual(['services_service']);
    expect(ok.tenant.tables.map((t) => t.name)).toEqual(['services_service']);
    const problems = await modelProblems({
      'schema/shared/a.yaml': SERVICES,
      'schema/tenant/b.yaml': `scope: both\n${SERVICES}`,
    });
    expect(brief(problems)).toEqual([
      expect.stringMatching(
        /^tenant\/b\.yaml:3:3 table services_service is declared twice in the shared scope: here and at .*shared\/a\.yaml:2:3$/,
      ),
    ]);
  });

  it('an index name used twice in a scope, and an index named like a table', async () => {
    const a = `tables:
  a:
    columns: { x: { type: int } }
    indexes:
      x_idx: { columns: [x] }
  b:
    columns: { x: { type: int } }
    checks:
      x_idx: x > 0
    indexes:
      a: { columns: [x] }
`;
    const problems = await modelProblems({ 'schema/tenant/a.yaml': a });
    expect(brief(problems)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^tenant/a\\.yaml:${at(a, 'x_idx', 1)} check constraint name x_idx is already used by the index at .*a\\.yaml:${at(a, 'x_idx')}$`,
        ),
      ),
      expect.stringMatching(
        new RegExp(`^tenant/a\\.yaml:${at(a, 'a: {')} index name a is already used by the table at .*a\\.yaml:2:3$`),
      ),
    ]);
    expect(problems[0].hint).toMatch(/one namespace/);
  });

  it('an index, primary key or unique constraint on a column that does not exist', async () => {
    const a = `tables:
  t:
    columns: { id: { type: int }, email: { type: text } }
    primaryKey: [idd]
    unique:
      t_email_key: [emial]
    indexes:
      t_idx: { columns: [id, { column: mail, order: desc }], include: [nope] }
`;
    const problems = await modelProblems({ 'schema/tenant/a.yaml': a });
    expect(brief(problems)).toEqual([
      `tenant/a.yaml:${at(a, 'idd')} the primary key names column idd, which table t does not have`,
      `tenant/a.yaml:${at(a, 'emial')} unique constraint t_email_key names column emial, which table t does not have`,
      `tenant/a.yaml:${at(a, 'mail,')} index t_idx names column mail, which table t does not have`,
      `tenant/a.yaml:${at(a, 'nope')} the INCLUDE list of index t_idx names column nope, which table t does not have`,
    ]);
    expect(problems[1].hint).toBe('did you mean email?');
  });

  it('`extensions` in a tenant file', async () => {
    const problems = await modelProblems({ 'schema/tenant/a.yaml': `extensions: [citext]\n${SERVICES}` });
    expect(brief(problems)).toEqual(['tenant/a.yaml:1:1 extensions belong to the shared scope']);
    expect(problems[0].hint).toMatch(/move them to a file under shared\//);
  });

  it('kinds written at the top level that belong on their object, rather than "unknown key"', async () => {
    const a =
      'grants:\n  t: [select]\ntables:\n  t:\n    columns: { id: { type: int } }\npolicies:\n  p: {}\ncomments:\n  t: x\n';
    const problems = await modelProblems({ 'schema/tenant/a.yaml': a });
    expect(brief(problems)).toEqual([
      'tenant/a.yaml:1:1 grants are declared on their table or view',
      `tenant/a.yaml:${at(a, 'policies')} policies are declared under their table`,
      `tenant/a.yaml:${at(a, 'comments')} comments are written on the object they describe`,
    ]);
    expect(problems.map((p) => p.message).join('\n')).not.toMatch(/not supported yet/);
  });

  it('an alias bomb ends fast with a diagnostic', async () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${new Array(10).fill(`*${prev}`).join(', ')}]`);
    }
    const bomb = `${levels.join('\n')}\n`;
    const started = Date.now();
    const problems = await modelProblems({ 'schema/tenant/bomb.yaml': bomb });
    expect(Date.now() - started).toBeLessThan(20_000); // a hang guard: an expanded bomb takes minutes
    expect(brief(problems)).toEqual([
      `tenant/bomb.yaml:${at(bomb, '*a')} YAML aliases expand too far (an alias bomb?)`,
    ]);
  });

  it('a file directly in the model folder needs a scope', async () => {
    const problems = await modelProblems({ 'schema/loose.yaml': SERVICES });
    expect(brief(problems)).toEqual([
      'loose.yaml:1:1 a file directly in the model folder needs `scope: shared | tenant | both`',
    ]);
  });

  it('renames that collide', async () => {
    const a = `tables:
  a:
    renamedFrom: b
    columns:
      x: { type: int, renamedFrom: y }
      y: { type: int }
      z: { type: int, renamedFrom: w }
      v: { type: int, renamedFrom: w }
  b:
    columns: { x: { type: int } }
`;
    const problems = await modelProblems({ 'schema/tenant/a.yaml': a });
    expect(brief(problems)).toEqual([
      `tenant/a.yaml:${at(a, 'renamedFrom')} table a is renamed from b, but the tenant scope still declares a table b`,
      `tenant/a.yaml:${at(a, 'y }')} column a.x is renamed from y, but table a still has a column y`,
      `tenant/a.yaml:${at(a, 'w }', 1)} columns z and v of table a are both renamed from w`,
    ]);
  });

  it('reports several problems of several files at once, in file order', async () => {
    const a = 'tables:\n  t: { columns: { id: { type: int, nulable: true } } }\n';
    const c = 'extensions: [x]\ntables:\n  t:\n    columns: { id: { type: int } }\n    primaryKey: [nope]\n';
    const error = await loadModel(
      await configOf(
        await project({ 'schema/shared/a.yaml': a, 'schema/tenant/b.yaml': 'tables: [\n', 'schema/tenant/c.yaml': c }),
      ),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PgfleetError);
    const e = error as PgfleetError;
    expect(e.message).toBe('4 problems in the model');
    expect(e.hint).toBeTruthy();
    expect(brief(e.diagnostics).map((s) => s.split(' ')[0])).toEqual([
      `shared/a.yaml:${at(a, 'nulable')}`,
      'tenant/b.yaml:2:1',
      'tenant/c.yaml:1:1',
      `tenant/c.yaml:${at(c, 'nope')}`,
    ]);
  });

  it('a missing model folder is an input error with a hint', async () => {
    const root = await project({});
    const config = { ...(await configOf(root)), model: `${root}/nowhere` };
    const error = (await loadModel(config).catch((e: unknown) => e)) as PgfleetError;
    expect(error.code).toBe('input');
    expect(error.message).toMatch(/model folder .* does not exist/);
    expect(error.hint).toMatch(/shared\/ and tenant\//);
  });

  it('contradictions inside a table', async () => {
    const a = `enums:
  e: [a, b, a]
tables:
  t:
    columns:
      id: { type: int, identity: always, default: 1, nullable: true }
      s: { type: bigserial, default: 2 }
    primaryKey: [id]
    indexes:
      t_idx: { columns: [{ order: desc }, { column: id, expression: id + 1 }] }
`;
    const problems = await modelProblems({ 'schema/tenant/a.yaml': a });
    expect(brief(problems)).toEqual([`tenant/a.yaml:${at(a, 'a]')} enum e lists "a" twice`]);
    const b = a.replace('[a, b, a]', '[a, b]');
    const more = await modelProblems({ 'schema/tenant/a.yaml': b });
    expect(brief(more)).toEqual([
      `tenant/a.yaml:${at(b, 'id:')} column t.id has both \`identity\` and \`default\``,
      `tenant/a.yaml:${at(b, 'id:')} identity column t.id cannot be nullable`,
      `tenant/a.yaml:${at(b, 's: {')} bigserial column t.s cannot have \`identity\` or \`default\``,
      `tenant/a.yaml:${at(b, 'id]')} primary key column t.id cannot be nullable`,
      `tenant/a.yaml:${at(b, '{ order')} an index entry needs \`column\` or \`expression\``,
      `tenant/a.yaml:${at(b, '{ column: id')} an index entry has either \`column\` or \`expression\`, not both`,
    ]);
  });

  it('NULLS NOT DISTINCT on an index that is not unique', async () => {
    const a = `tables:
  t:
    columns:
      id: { type: int }
    indexes:
      t_idx: { columns: [id], nullsNotDistinct: true }
`;
    const problems = await modelProblems({ 'schema/tenant/a.yaml': a });
    expect(brief(problems)).toEqual([
      `tenant/a.yaml:${at(a, 'nullsNotDistinct')} index t_idx says nullsNotDistinct but is not unique`,
    ]);
  });
});

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { diffSchema } from '../../src/api/diff-schema.js';
import { loadProject } from '../../src/api/project.js';
import { pull } from '../../src/api/pull.js';
import { validate } from '../../src/api/validate.js';
import { loadConfig } from '../../src/config/config.js';
import { serverMajor } from '../../src/devdb/server-major.js';
import { tempProject } from '../cli/project.js';
import { runCli } from '../cli/run-cli.js';
import { DJANGO_CONFIG, DJANGO_TENANTS, loadDjangoFixture } from '../fixtures/django/load.js';
import { type TestDatabase, testDatabase } from '../support/db.js';
import { EDGE_ROLES, EDGE_SHARED, EDGE_TENANT } from './edge-schema.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await testDatabase();
  await loadDjangoFixture(db.client);
});

const configOf = (dir: string) => loadConfig({ cwd: dir, env: {} });

describe('pull', { timeout: 120_000 }, () => {
  it('writes a model of the Django fixture that validates and diffs clean against every schema', async () => {
    const dir = await tempProject({}, `database: ${db.url}\n${DJANGO_CONFIG}`);
    const result = await pull(await configOf(dir));
    expect(result.tenant).toEqual({ schema: 'tenant_a', tables: 7 });
    expect(result.notPulled).toEqual([]);
    expect(result.files.map((f) => `${f.scope}/${f.path.split('/').at(-1)}`)).toEqual([
      'shared/auth.yaml',
      'shared/django.yaml',
      'shared/tenants.yaml',
      'tenant/bookings.yaml',
      'tenant/customers.yaml',
      'tenant/django.yaml',
      'tenant/services.yaml',
    ]);
    const bookings = await readFile(join(dir, 'schema', 'tenant', 'bookings.yaml'), 'utf8');
    // Django's hashed names are kept, Postgres' own are left out, deferrable FKs say so.
    expect(bookings).toContain('      party_size: { type: integer, default: 1, check: party_size >= 0 }\n');
    expect(bookings).toContain(
      `      customer_id:
        type: bigint
        references:
          table: customers_customer
          deferrable: initially deferred
          name: bookings_booking_customer_id_5b3c8a1e_fk_customers_customer_id
`,
    );
    expect(bookings).toContain('          table: shared.auth_user\n');
    expect(bookings).toContain(
      `      bookings_booking_status_like:
        columns: [{ column: status, opclass: varchar_pattern_ops }]
        where: (status)::text <> 'cancelled'::text
`,
    );
    const services = await readFile(join(dir, 'schema', 'tenant', 'services.yaml'), 'utf8');
    for (const line of [
      '      slug:      { type: varchar(50), unique: true }',
      "      price:       { type: 'numeric(10,2)', default: 0.00 }",
      "      duration:    { type: interval, default: '01:00:00' }",
      '      discount:    { type: smallint, default: -1 }',
      "      metadata:    { type: jsonb, default: '{}' }",
      '      created_at:  { type: timestamptz, default: { sql: now() } }',
      '      services_service_unique_active_name: { columns: [name], unique: true, where: code IS NOT NULL }',
    ]) {
      expect(services).toContain(`${line}\n`);
    }

    const project = await loadProject({ cwd: dir, configPath: join(dir, 'pgfleet.yaml') });
    await validate(project);
    for (const schema of ['public', ...DJANGO_TENANTS]) {
      const d = await diffSchema(project, schema);
      expect(
        d.plan.up.map((s) => s.sql),
        schema,
      ).toEqual([]);
    }
  });
});

describe('pull of a hand-written schema', { timeout: 120_000 }, () => {
  it('keeps every corner: quoting, names, defaults, sequences, keys; one file per scope', async () => {
    const edge = await testDatabase();
    await edge.client.query(EDGE_ROLES);
    await edge.client.query('CREATE SCHEMA core; SET search_path = core');
    await edge.client.query(EDGE_SHARED);
    await edge.client.query('CREATE SCHEMA acme; SET search_path = acme, core');
    await edge.client.query(EDGE_TENANT);
    await edge.client.query('RESET search_path');
    const dir = await tempProject({}, `database: ${edge.url}\nshared:\n  schema: core\ntenants:\n  list: [acme]\n`);
    const result = await pull(await configOf(dir), { oneFile: true });
    expect(result.notPulled).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.files.map((f) => f.path.split('/').slice(-2).join('/'))).toEqual([
      'shared/schema.yaml',
      'tenant/schema.yaml',
    ]);
    const shared = await readFile(join(dir, 'schema', 'shared', 'schema.yaml'), 'utf8');
    for (const line of [
      'extensions: [citext]',
      "  Mood: { values: [happy, sad, it's complicated, 'yes'], comment: How it feels }",
      '  down_seq: { increment: -1, comment: counts down }',
      '  invoice_seq: { type: integer, start: 1000, increment: 5, cache: 10, grants: { pgfleet_reader: [select, usage] } }',
      '    comment: \'People: with "quotes"\'',
      '      id:          { type: serial }',
      "      mood:        { type: '\"Mood\"', default: it's complicated }",
      '      order:       { type: integer, default: -5 }',
      '      note:        { type: text, nullable: true, default: line\\one }',
      "      yes_no:      { type: text, nullable: true, default: 'yes' }",
      '      big:         { type: bigint, nullable: true, default: 9007199254740993 }',
      "      flags:       { type: 'boolean[]', nullable: true, default: '{t,f}' }",
      '      Account_check: (amount >= (0)::numeric) AND (ratio > (0)::double precision)',
      '      account_mood_amount: { columns: [{ column: mood, order: desc, nulls: last }, amount], include: [handle] }',
      // Postgres cut the table name to 63 bytes, and the unique constraint's default name as it does.
      '  a_very_long_table_name_that_goes_on_and_on_and_on_until_it_is_c:',
      '      a_very_long_table_name_that_g_second_column_with_a_long_nam_key:',
      '  money_amount:',
      "    attributes: { amount: 'numeric(12,2)', currency: { type: char(3), collation: C } }",
      // Objects kept as their SQL.
      '  year: { type: integer, check: (VALUE >= 1901) AND (VALUE <= 2155) }',
      '    checks: { code_short: length(VALUE) < 10 }',
      `  '"Account_by_mood"("Mood")':`,
      '    sql: CREATE OR REPLACE AGGREGATE concat_all(text) (SFUNC = concat_pair, STYPE = text)',
      '      CREATE OR REPLACE PROCEDURE noop(INOUT n integer)',
      '        sql: CREATE TRIGGER account_touch BEFORE UPDATE OF handle ON "Account" FOR EACH ROW WHEN (old.handle::text IS DISTINCT FROM new.handle::text) EXECUTE FUNCTION touch()',
      // Postgres 15 prints the columns of a one-table view qualified; 16 on do not.
      (await serverMajor(db.client)) < 16
        ? '        WHERE ("Account".mood = \'happy\'::"Mood")'
        : '        WHERE (mood = \'happy\'::"Mood")',
      '      account_moods_mood: { columns: [mood], unique: true }',
      // EXECUTE revoked from PUBLIC and granted to one role; other routines keep the default.
      '    grants:\n      pgfleet_reader: [execute]\n\n  noop(integer):',
    ]) {
      expect(shared).toContain(`${line}\n`);
    }
    const tenant = await readFile(join(dir, 'schema', 'tenant', 'schema.yaml'), 'utf8');
    for (const line of [
      '      order_id: { type: bigint, references: { table: orders_order, onDelete: restrict, name: orders_line_order } }',
      '      line:     { type: smallserial }',
      '      qty:      { type: integer, check: qty > 0 }',
      '      orders_line_code_region_fkey:',
      '      account_id: { type: integer, references: { table: shared.Account, onDelete: cascade } }',
      '      code:       { type: text, unique: true }',
      '    primaryKey: { name: orders_pk, columns: [id] }',
      '    partitionBy: LIST (region)',
      '      orders_slot_during_excl: USING gist (during WITH &&)',
      '    rowLevelSecurity: true',
      "      orders_slot_recent: { command: select, using: lower(during) > (now() - '1 year'::interval) }",
      '      pgfleet_reader: [insert, select]',
      '      public: [select]',
      `      orders_event_eu: { values: "IN ('de', 'fr')" }`,
      '        default: true',
      "          orders_event_other_at_check: at > '2000-01-01'::date",
      '      orders_id_code: { columns: [id, code], deferrable: initially deferred }',
      '      orders_slot_hold_room_day: { columns: [room, day], nullsNotDistinct: true }',
      '      orders_slot_hold_room: { columns: [room], unique: true, nullsNotDistinct: true }',
    ]) {
      expect(tenant).toContain(`${line}\n`);
    }
    const project = await loadProject({ cwd: dir, configPath: join(dir, 'pgfleet.yaml') });
    await validate(project);
    for (const schema of ['core', 'acme']) {
      const d = await diffSchema(project, schema);
      expect(
        d.plan.up.map((s) => s.sql),
        schema,
      ).toEqual([]);
    }
  });
});

describe('pgfleet pull (CLI)', { timeout: 240_000 }, () => {
  it('writes files once, refuses to overwrite them without --force, reads the tenant it is told to', async () => {
    const dir = await tempProject({}, `database: ${db.url}\n${DJANGO_CONFIG}`);
    const first = await runCli(['pull', '--json'], { cwd: dir });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({
      shared: { schema: 'public', tables: 9 },
      tenant: { schema: 'tenant_a' },
    });

    const again = await runCli(['pull'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('the model folder already has 7 file(s); pull writes nothing');
    expect(again.stderr).toContain('hint: rerun with --force');

    const forced = await runCli(['pull', '--force', '--one-file', '--tenant-template', 'tenant_b'], { cwd: dir });
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('pulled 9 shared tables from "public" and 7 tenant tables from "tenant_b"');
    expect(forced.stdout).toContain('removed schema/tenant/services.yaml');
    expect(forced.stdout).toContain('wrote schema/tenant/schema.yaml');
    expect((await runCli(['validate'], { cwd: dir })).code).toBe(0);
  });
});

describe('pull accounts for every object of the schemas it reads', { timeout: 240_000 }, () => {
  it('lists what the model lacks with kind, name and reason, counted by kind; extension objects stay out', async () => {
    const odd = await testDatabase();
    await odd.client.query(`
      CREATE SCHEMA core;
      CREATE EXTENSION citext SCHEMA core;
      CREATE EXTENSION pg_trgm SCHEMA core;
      CREATE EXTENSION unaccent SCHEMA core;
      CREATE TABLE core.account (id integer PRIMARY KEY, email core.citext NOT NULL);
      CREATE SCHEMA acme;
      CREATE TABLE acme.base (id integer PRIMARY KEY, n integer);
      CREATE TABLE acme.child (extra text) INHERITS (acme.base);
      CREATE UNLOGGED TABLE acme.scratch (id integer, v text) WITH (fillfactor = 70);
      CREATE INDEX scratch_v ON acme.scratch (v);
      COMMENT ON INDEX acme.scratch_v IS 'why';
      ALTER TABLE acme.base ADD CONSTRAINT base_n_small CHECK (n < 100) NOT VALID;
      CREATE RULE base_no_delete AS ON DELETE TO acme.base DO INSTEAD NOTHING;
      CREATE STATISTICS acme.base_stats ON id, n FROM acme.base;
      CREATE OPERATOR acme.=== (LEFTARG = integer, RIGHTARG = integer, FUNCTION = int4eq);
      CREATE COLLATION acme.ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
      CREATE TEXT SEARCH CONFIGURATION acme.plain (COPY = simple);
    `);
    const dir = await tempProject({}, `database: ${odd.url}\nshared:\n  schema: core\ntenants:\n  list: [acme]\n`);
    const result = await pull(await configOf(dir), { oneFile: true });
    expect(result.notPulled.map((o) => `${o.schema}: ${o.kind} ${o.name}`)).toEqual([
      'acme: comment index scratch_v',
      'acme: inheritance child inherits base',
      'acme: not valid constraint base_n_small on base',
      // The child's copy of the inherited CHECK.
      'acme: not valid constraint base_n_small on child',
      'acme: operator ===(integer,integer)',
      'acme: rule base_no_delete on base',
      'acme: statistics object base_stats',
      'acme: storage parameters scratch (fillfactor=70)',
      'acme: unlogged table scratch',
    ]);
    expect(result.notPulled.find((o) => o.kind === 'unlogged table')?.reason).toBe(
      'the model has no UNLOGGED: it would be created logged',
    );
    expect(result.notPulledKinds.map((k) => `${k.count} ${k.kind}`)).toEqual([
      '2 not valid constraint',
      '1 comment',
      '1 inheritance',
      '1 operator',
      '1 rule',
      '1 statistics object',
      '1 storage parameters',
      '1 unlogged table',
    ]);
    // The collation and the text search configuration are modelled; nothing of citext,
    // pg_trgm or unaccent (types, functions, operators, operator classes, a dictionary and
    // its template in the shared schema) is pulled or listed.
    const tenant = await readFile(join(dir, 'schema', 'tenant', 'schema.yaml'), 'utf8');
    expect(tenant).toContain('  ci: { provider: icu, locale: und-u-ks-level2, deterministic: false }\n');
    expect(tenant).toContain('  plain:\n    mappings:\n');
    const shared = await readFile(join(dir, 'schema', 'shared', 'schema.yaml'), 'utf8');
    expect(shared).toContain('extensions: [citext, pg_trgm, unaccent]\n');
    expect(shared.replace('extensions: [citext, pg_trgm, unaccent]', '')).not.toMatch(
      /unaccent|similarity|gin_trgm|citext(in|out|_)|textSearch/,
    );

    const cli = await runCli(['pull', '--force', '--one-file'], { cwd: dir });
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain('not pulled: 9 object(s) the model cannot describe yet:\n');
    expect(cli.stdout).toContain('  1 unlogged table: the model has no UNLOGGED: it would be created logged\n');
    expect(cli.stdout).toContain('  acme: rule base_no_delete on base\n');
  });
});

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createFromModel } from '../../src/inspect/canonicalise.js';
import { fingerprints } from '../../src/inspect/fingerprint.js';
import { inspectSchemas } from '../../src/inspect/index.js';
import { scopeOf } from '../../src/inspect/scope.js';
import { stableKey, stored } from '../../src/model/compare.js';
import type { Model } from '../../src/model/types.js';
import { ident } from '../../src/plan/quote.js';
import { modelsFromYaml } from '../support/convergence.js';
import { type TestDatabase, testDatabase } from '../support/db.js';

/**
 * The rule drift relies on: equal fingerprints only for schemas whose inspected models are
 * equal (else drift would be reported for the wrong schemas, or missed), and equal
 * fingerprints for schemas built alike (else drift would read every schema in full).
 */

const root = join(import.meta.dirname, '..', 'cases');
const read = (dir: string, file: string) => (existsSync(join(dir, file)) ? readFileSync(join(dir, file), 'utf8') : '');
const cases = readdirSync(root).flatMap((kind) => readdirSync(join(root, kind)).map((name) => join(root, kind, name)));

interface Built {
  readonly label: string;
  readonly schema: string;
  readonly shared: string;
  readonly twin: string | null;
}

let db: TestDatabase;
const built: Built[] = [];

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

async function build(schema: string, shared: string, tenant: Model, sharedModel: Model | null) {
  if (sharedModel) {
    await db.client.query(`CREATE SCHEMA ${ident(shared)}`);
    await createFromModel(db.client, sharedModel, 'shared', [shared], { sharedSchema: shared });
  }
  await db.client.query(`CREATE SCHEMA ${ident(schema)}`);
  await createFromModel(db.client, tenant, 'tenant', [schema, shared], { sharedSchema: shared });
}

/** Run `sql` in fresh schemas (search_path: each, then the case's shared schema). */
async function raw(label: string, shared: string, sql: string, twin = false) {
  const schemas = twin ? [`${label}_1`, `${label}_2`] : [label];
  for (const s of schemas) {
    await db.client.query(
      `CREATE SCHEMA ${ident(s)}; SET search_path = ${ident(s)}, ${ident(shared)}; ${sql}; RESET search_path`,
    );
  }
  built.push({ label, schema: schemas[0], shared, twin: twin ? schemas[1] : null });
}

beforeAll(async () => {
  db = await testDatabase();
  let skipped = 0;
  for (const [i, dir] of cases.entries()) {
    const extra = read(dir, 'shared.yaml');
    const text = read(dir, 'from.yaml') + read(dir, 'to.yaml') + extra;
    // An extension exists once per database, so cases with one cannot be built twice here.
    if (/extensions:/.test(text)) continue;
    const from = await modelsFromYaml(read(dir, 'from.yaml'), extra);
    const to = await modelsFromYaml(read(dir, 'to.yaml'), extra);
    const label = `c${i}`;
    try {
      await build(`${label}_a`, `${label}_sa`, from.tenant, from.shared);
      await build(`${label}_c`, `${label}_sa`, from.tenant, null);
      await build(`${label}_b`, `${label}_sb`, to.tenant, to.shared);
    } catch {
      skipped++;
      continue;
    }
    built.push({ label: `${dir} (from)`, schema: `${label}_a`, shared: `${label}_sa`, twin: `${label}_c` });
    built.push({ label: `${dir} (to)`, schema: `${label}_b`, shared: `${label}_sb`, twin: null });
  }
  expect(skipped).toBeLessThan(5);

  // Differences a fingerprint might miss by construction: names of the schema itself, and
  // what the model derives (serial, unqualified types) rather than reads.
  await db.client.query(
    "CREATE SCHEMA x_shared; CREATE TYPE x_shared.mood AS ENUM ('a'); CREATE TABLE x_shared.t (id int PRIMARY KEY)",
  );
  const s = 'x_shared';
  await raw('x_own_enum', s, "CREATE TYPE mood AS ENUM ('a'); CREATE TABLE u (m mood)", true);
  await raw('x_shared_enum', s, 'CREATE TABLE u (m mood)', true);
  await raw('x_own_fk', s, 'CREATE TABLE t (id int PRIMARY KEY); CREATE TABLE u (t int REFERENCES t)', true);
  await raw(
    'x_shared_fk',
    s,
    'CREATE TABLE v (id int PRIMARY KEY); CREATE TABLE u (t int REFERENCES x_shared.t)',
    true,
  );
  await raw('x_serial', s, 'CREATE TABLE u (id serial)', true);
  await raw(
    'x_not_serial',
    s,
    "CREATE SEQUENCE u_id_seq; CREATE TABLE u (id integer NOT NULL DEFAULT nextval('u_id_seq'))",
    true,
  );
  await raw(
    'x_owned_a',
    s,
    "CREATE SEQUENCE q AS integer; CREATE TABLE u (a integer NOT NULL DEFAULT nextval('q'), b integer); ALTER SEQUENCE q OWNED BY u.a",
    true,
  );
  await raw(
    'x_owned_b',
    s,
    "CREATE SEQUENCE q AS integer; CREATE TABLE u (a integer NOT NULL DEFAULT nextval('q'), b integer); ALTER SEQUENCE q OWNED BY u.b",
    true,
  );
  await raw('x_cols_ab', s, 'CREATE TABLE u (a int, b int, UNIQUE (a))', true);
  await raw('x_cols_ba', s, 'CREATE TABLE u (b int, a int, UNIQUE (a))');
  await raw('x_collate', s, 'CREATE TABLE u (a text COLLATE "C")', true);
  await raw('x_comment', s, 'CREATE TABLE u (a text COLLATE "C"); COMMENT ON COLUMN u.a IS \'x\'', true);
  await raw('x_index_asc', s, 'CREATE TABLE u (a text); CREATE INDEX u_a ON u (a)', true);
  await raw('x_index_desc', s, 'CREATE TABLE u (a text); CREATE INDEX u_a ON u (a DESC)', true);
  await raw('x_index_ops', s, 'CREATE TABLE u (a text); CREATE INDEX u_a ON u (a text_pattern_ops)', true);
  await raw('x_index_expr', s, "CREATE TABLE u (a text); CREATE INDEX u_a ON u (lower(a)) WHERE a <> ''", true);
  // The same node tree in two schemas, naming a function of the first: printed unqualified
  // there, qualified in the second (a default or check that names no built-in is printed).
  const f = "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'";
  await raw('x_fn_default_a', s, `${f}; CREATE TABLE u (a int DEFAULT f())`);
  await raw('x_fn_default_b', s, `${f}; CREATE TABLE u (a int DEFAULT x_fn_default_a.f())`);
  await raw('x_fn_check_a', s, `${f}; CREATE TABLE u (a int CHECK (a <> f()))`);
  await raw('x_fn_check_b', s, `${f}; CREATE TABLE u (a int CHECK (a <> x_fn_check_a.f()))`);
  // CHECKs of built-ins only are hashed as node trees: a constant or a column apart must show.
  await raw('x_check_a_gt0', s, 'CREATE TABLE u (a int, b int CHECK (a > 0))', true);
  await raw('x_check_a_gt1', s, 'CREATE TABLE u (a int, b int CHECK (a > 1))', true);
  await raw('x_check_b_gt0', s, 'CREATE TABLE u (a int, b int CHECK (b > 0))', true);
  // A CHECK naming a tenant's own type is printed (its tree holds the type's OID, which
  // differs per schema): twins still hash alike, and a different constant still shows.
  const mood = "CREATE TYPE mood2 AS ENUM ('a', 'b'); CREATE TABLE u (m mood2";
  await raw('x_check_enum_a', s, `${mood} CHECK (m <> 'a'))`, true);
  await raw('x_check_enum_b', s, `${mood} CHECK (m <> 'b'))`, true);
  await raw('x_empty', s, '', true);
});

describe('catalog fingerprints', () => {
  it('are equal only for schemas whose models are equal, and equal for schemas built alike', async () => {
    // One shared schema for all: the rule holds for any options, as long as both sides use the same.
    const schemas = built.flatMap((b) => [b.schema, ...(b.twin ? [b.twin] : [])]);
    const found = await fingerprints(db.client, scopeOf(schemas, 'x_shared'));
    const inspected = await inspectSchemas(db.client, schemas, { sharedSchema: 'x_shared' });
    const prints = new Map(schemas.map((schema) => [schema, found.get(schema)!.hash]));
    const models = new Map(schemas.map((schema) => [schema, stableKey(stored(inspected.get(schema)!))]));
    expect(built.length).toBeGreaterThan(150);
    for (const b of built) {
      if (b.twin) expect(prints.get(b.twin), `${b.label}: built alike`).toBe(prints.get(b.schema));
    }
    const bySchema = [...prints.keys()];
    const byPrint = groupBy(bySchema, (schema) => prints.get(schema)!);
    for (const [, same] of byPrint) {
      const distinct = new Set(same.map((schema) => models.get(schema)));
      expect(distinct.size, `one fingerprint, different models: ${same.join(', ')}`).toBe(1);
    }
  });

  it('are the same whether a batch finds its relations by index or, beyond 1,000 schemas, by scanning pg_class', async () => {
    const schemas = built.flatMap((b) => [b.schema, ...(b.twin ? [b.twin] : [])]);
    expect(schemas.length).toBeLessThan(1000);
    const byIndex = await fingerprints(db.client, scopeOf(schemas, 'x_shared'));
    // Schemas that do not exist make the batch large enough to scan, and add nothing.
    const padding = Array.from({ length: 1000 }, (_, i) => `x_absent_${i}`);
    const scanned = await fingerprints(db.client, scopeOf([...schemas, ...padding], 'x_shared'));
    for (const schema of schemas) expect(scanned.get(schema), schema).toEqual(byIndex.get(schema));
  });

  it('are equal for a CHECK made at different places of one message (parse positions are not hashed)', async () => {
    // Before Postgres 17 a stored expression keeps each node's offset in the statement's text.
    const make = (schema: string) =>
      `CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.t (n integer CONSTRAINT t_n_check CHECK (n > 0 AND n < 10));`;
    await db.client.query(`${make('x_offset_a')} SELECT 1; ${make('x_offset_b')}`);
    const found = await fingerprints(db.client, scopeOf(['x_offset_a', 'x_offset_b'], 'x_shared'));
    expect(found.get('x_offset_b')?.hash).toBe(found.get('x_offset_a')?.hash);
  });

  it('tell a missing schema from an empty one', async () => {
    const found = await fingerprints(db.client, scopeOf(['x_empty_1', 'x_nowhere'], 'x_shared'));
    expect(found.get('x_empty_1')).toMatchObject({ exists: true });
    expect(found.get('x_nowhere')).toMatchObject({ exists: false });
    expect(found.get('x_nowhere')?.hash).not.toBe(found.get('x_empty_1')?.hash);
  });
});

import type pg from 'pg';
import type { Diagnostic } from '../errors.js';
import type { Model, Scope } from '../model/types.js';
import { ident, literal, qualified } from '../plan/quote.js';
import { closest } from '../yaml/closest.js';
import { pointer } from '../yaml/yaml-source.js';
import type { SourceIndex } from './source-index.js';

// serial types are not types: CREATE TABLE expands them into an integer, a sequence and a
// default, so to_regtype does not know them.
const SERIAL = new Set(['serial', 'serial4', 'bigserial', 'serial8', 'smallserial', 'serial2']);

// Spellings the SQL grammar accepts that are not pg_type names, for "did you mean" hints.
const GRAMMAR_TYPES = [
  'integer',
  'int',
  'smallint',
  'bigint',
  'boolean',
  'character varying',
  'varchar',
  'character',
  'char',
  'double precision',
  'real',
  'float',
  'decimal',
  'numeric',
  'timestamp',
  'timestamptz',
  'time',
  'timetz',
  'timestamp with time zone',
  'time with time zone',
  'interval',
  'bit varying',
  'serial',
  'bigserial',
  'smallserial',
];

interface TypeUse {
  readonly scope: Scope;
  readonly table: string;
  readonly column: string;
  readonly type: string;
}

/**
 * The columns whose type Postgres does not know, one diagnostic each, checked on `client`
 * (a scratch or dev database, not inside a transaction). In one transaction that is always
 * rolled back it creates the shared extensions (one that fails is a diagnostic too) and
 * the enums of each scope in a throwaway schema on the search_path, then asks
 * `to_regtype` about every distinct column type.
 *
 * @example
 * const problems = await unknownTypes({ shared, tenant }, scratch.client, sources);
 */
export async function unknownTypes(
  models: { readonly shared: Model; readonly tenant: Model },
  client: pg.ClientBase,
  sources: SourceIndex,
): Promise<Diagnostic[]> {
  const suffix = `${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const schemas: Record<Scope, string> = {
    shared: `pgfleet_types_shared_${suffix}`,
    tenant: `pgfleet_types_tenant_${suffix}`,
  };
  const diagnostics: Diagnostic[] = [];
  const at = (scope: Scope, path: string[], message: string, hint?: string) => {
    const where = sources.find(scope, path) ?? { file: '', line: 0, col: 0 };
    diagnostics.push({ ...where, pointer: pointer(path), message, ...(hint ? { hint } : {}) });
  };

  await client.query('BEGIN');
  try {
    for (const extension of models.shared.extensions) {
      const failed = await attempt(client, `CREATE EXTENSION IF NOT EXISTS ${ident(extension.name)}`);
      if (failed) {
        at(
          'shared',
          ['extensions', extension.name],
          `extension ${extension.name} cannot be created: ${failed}`,
          'is it installed on the dev database server? `SELECT name FROM pg_available_extensions` lists those that are',
        );
      }
    }
    for (const scope of ['shared', 'tenant'] as const) {
      await client.query(`CREATE SCHEMA ${ident(schemas[scope])}`);
      for (const e of models[scope].enums) {
        const values = e.values.map(literal).join(', ');
        const failed = await attempt(client, `CREATE TYPE ${qualified(schemas[scope], e.name)} AS ENUM (${values})`);
        if (failed) at(scope, ['enums', e.name], `enum ${e.name} cannot be created: ${failed}`);
      }
      // A table's (or view's, or composite type's) row type is a type too; an empty composite
      // stands in for it. All in one message (hundreds of tables cost as many round trips
      // otherwise); one by one only if that fails (a name an enum has), each failure ignored.
      const rowTypes = [...models[scope].tables, ...models[scope].views, ...models[scope].types].map(
        (t) => `CREATE TYPE ${qualified(schemas[scope], t.name)} AS ()`,
      );
      if (rowTypes.length > 0 && (await attempt(client, rowTypes.join(';\n'))) !== null) {
        for (const sql of rowTypes) await attempt(client, sql);
      }
    }
    // Domains (over enums, extension types or other domains, so created in passes until
    // none is left or a pass makes no progress), seen as in production: a tenant's before the shared ones.
    for (const scope of ['shared', 'tenant'] as const) {
      const path = scope === 'shared' ? [schemas.shared, 'public'] : [schemas.tenant, schemas.shared, 'public'];
      await client.query(`SET LOCAL search_path TO ${path.map(ident).join(', ')}`);
      let left = [...models[scope].domains];
      const failures = new Map<string, string>();
      while (left.length > 0) {
        const next = [];
        for (const d of left) {
          const failed = await attempt(client, `CREATE DOMAIN ${qualified(schemas[scope], d.name)} AS ${d.type}`);
          if (failed) {
            failures.set(d.name, failed);
            next.push(d);
          }
        }
        if (next.length === left.length) break;
        left = next;
      }
      for (const d of left) {
        at(scope, ['domains', d.name, 'type'], `domain ${d.name} cannot be created: ${failures.get(d.name)}`);
      }
    }

    const uses = (['shared', 'tenant'] as const).flatMap((scope) =>
      models[scope].tables.flatMap((t) =>
        t.columns.map((c): TypeUse => ({ scope, table: t.name, column: c.name, type: c.type })),
      ),
    );
    const unknown = new Map<string, string>();
    for (const scope of ['shared', 'tenant'] as const) {
      // As in production: a tenant schema sees its own types, then the shared schema's.
      const path = scope === 'shared' ? [schemas.shared, 'public'] : [schemas.tenant, schemas.shared, 'public'];
      await client.query(`SET LOCAL search_path TO ${path.map(ident).join(', ')}`);
      const types = [
        ...new Set(uses.filter((u) => u.scope === scope && !SERIAL.has(u.type.toLowerCase())).map((u) => u.type)),
      ];
      for (const [type, problem] of await resolveTypes(client, types)) unknown.set(`${scope}\0${type}`, problem);
    }
    const known = unknown.size > 0 ? await knownTypeNames(client, Object.values(schemas)) : [];
    const enumScope = (name: string): Scope | undefined =>
      (['shared', 'tenant'] as const).find((s) => models[s].enums.some((e) => e.name === name));
    for (const use of uses) {
      const problem = unknown.get(`${use.scope}\0${use.type}`);
      if (problem === undefined) continue;
      const base = baseName(use.type);
      const near = closest(base, known);
      const owner = enumScope(base);
      const hint =
        owner === 'tenant' && use.scope === 'shared'
          ? `${base} is an enum of the tenant scope; a shared table cannot use it (move the enum to a shared file)`
          : near
            ? `did you mean ${near}?`
            : 'declare it under enums, or add the extension that provides it under extensions';
      at(
        use.scope,
        ['tables', use.table, 'columns', use.column, 'type'],
        `column ${use.table}.${use.column} has ${problem}`,
        hint,
      );
    }
  } finally {
    await client.query('ROLLBACK');
  }
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.file}\0${d.line}\0${d.col}\0${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Run one statement under a savepoint: its rows, or the error message if it failed. */
async function tryQuery<R extends pg.QueryResultRow>(
  client: pg.ClientBase,
  sql: string,
  params: unknown[] = [],
): Promise<{ rows: R[] } | { error: string }> {
  await client.query('SAVEPOINT pgfleet_attempt');
  try {
    const { rows } = await client.query<R>(sql, params);
    await client.query('RELEASE SAVEPOINT pgfleet_attempt');
    return { rows };
  } catch (error) {
    await client.query('ROLLBACK TO SAVEPOINT pgfleet_attempt');
    return { error: (error as Error).message };
  }
}

/** Run one statement under a savepoint; the error message if it failed, else null. */
async function attempt(client: pg.ClientBase, sql: string): Promise<string | null> {
  const result = await tryQuery(client, sql);
  return 'error' in result ? result.error : null;
}

/**
 * The types of `types` that Postgres does not know, with why. One query for all of them;
 * only when a type string is not even valid syntax (to_regtype raises then) each is tried
 * on its own, so that one typo does not hide the rest.
 */
async function resolveTypes(client: pg.ClientBase, types: readonly string[]): Promise<Map<string, string>> {
  const unknown = new Map<string, string>();
  if (types.length === 0) return unknown;
  const all = await tryQuery<{ type: string; known: boolean }>(
    client,
    'SELECT t AS type, to_regtype(t) IS NOT NULL AS known FROM unnest($1::text[]) AS t',
    [types],
  );
  if ('rows' in all) {
    for (const r of all.rows) if (!r.known) unknown.set(r.type, `an unknown type ${JSON.stringify(r.type)}`);
    return unknown;
  }
  for (const type of types) {
    const one = await tryQuery<{ known: boolean }>(client, 'SELECT to_regtype($1) IS NOT NULL AS known', [type]);
    if ('error' in one) unknown.set(type, `an invalid type ${JSON.stringify(type)} (${one.error})`);
    else if (!one.rows[0].known) unknown.set(type, `an unknown type ${JSON.stringify(type)}`);
  }
  return unknown;
}

/** Type names a user can write, for hints: pg_type names (no array types) plus SQL spellings. */
async function knownTypeNames(client: pg.ClientBase, schemas: readonly string[]): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT DISTINCT t.typname AS name FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE t.typname !~ '^_' AND t.typtype IN ('b', 'e', 'd', 'r', 'm')
        AND (n.nspname IN ('pg_catalog', 'public') OR n.nspname = ANY($1))`,
    [schemas],
  );
  return [...GRAMMAR_TYPES, ...rows.map((r) => r.name)];
}

/** `public.citext(3)[]` → `citext`: the part of a type string a name hint can match. */
function baseName(type: string): string {
  const withoutArray = type.replace(/(\s*\[\s*\d*\s*\])+\s*$/, '');
  const withoutModifier = withoutArray.replace(/\s*\(.*\)\s*$/, '');
  const parts = withoutModifier.split('.');
  return parts[parts.length - 1].trim().toLowerCase().replaceAll('"', '');
}

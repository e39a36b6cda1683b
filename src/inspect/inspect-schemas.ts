import pg from 'pg';
import { type ErrorCode, PgfleetError } from '../errors.js';
import { byName } from '../model/by-name.js';
import { type IgnoreRules, withoutIgnored } from '../model/ignore.js';
import type { Column, Model, Scope, Table } from '../model/types.js';
import { groupBy, tableKey } from './group.js';
import { qualifiedNames, shadowedByCatalog, unqualifyOwnSchema } from './own-schema-references.js';
import { readColumns } from './read-columns.js';
import { type InspectedConstraint, readConstraints } from './read-constraints.js';
import { readEnums } from './read-enums.js';
import { readExtensions } from './read-extensions.js';
import { readIndexes } from './read-indexes.js';
import { readObjects } from './read-objects.js';
import { readSequences } from './read-sequences.js';
import { readTables } from './read-tables.js';
import type { TextObject } from './read-text-objects.js';
import { type CatalogScope, scopeOf, withObjects } from './scope.js';

export interface InspectOptions {
  /** The shared schema: printed unqualified after the inspected schema, and `shared.<table>` in FK targets. */
  readonly sharedSchema: string;
  /**
   * Keep references to a tenant schema's own name in SQL text (`app.f(x)` in a function
   * body) as written. By default they are read as the unqualified names they are
   * equivalent to (see own-schema-references.ts), so that tenants compare with the model.
   */
  readonly keepOwnSchemaNames?: boolean;
  /** Objects left out of every model read (see `ignore:` in pgfleet.yaml). Default: none. */
  readonly ignore?: IgnoreRules;
}

/**
 * Read the live schemas into one {@link Model} each, keyed by schema name, in a fixed
 * number of queries (one per object kind) whatever the number of schemas. SQL text
 * (types, defaults, checks, index expressions and predicates) is printed by Postgres as it
 * would be in DDL run with `search_path` = the schema, then `options.sharedSchema`.
 *
 * A schema that does not exist gives an empty model; the caller decides what that means.
 * The queries run in their own read-only REPEATABLE READ transaction, for one consistent
 * snapshot, so `client` must not be inside a transaction. All rows are held in memory at
 * once: a caller with thousands of schemas passes them in batches.
 *
 * @example
 * const models = await inspectSchemas(client, ['tenant_a', 'tenant_b'], { sharedSchema: 'shared' });
 * models.get('tenant_a')?.tables.map((t) => t.name); // ['invoices', 'users']
 */
export async function inspectSchemas(
  client: pg.ClientBase,
  schemas: readonly string[],
  options: InspectOptions,
): Promise<Map<string, Model>> {
  const scope = scopeOf(schemas, options.sharedSchema);
  if (scope.schemas.length === 0) return new Map();
  try {
    // The SET LOCAL makes the first query parse under a known search_path (see scopeOf);
    // one simple-protocol round trip carries both statements.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET LOCAL search_path = pg_catalog');
    try {
      let models = await readModels(client, await withObjects(client, scope));
      if (!options.keepOwnSchemaNames) models = await withoutOwnSchemaNames(client, models, options.sharedSchema);
      await client.query('COMMIT');
      const rules = options.ignore;
      if (!rules) return models;
      const scoped = (schema: string): Scope => (schema === options.sharedSchema ? 'shared' : 'tenant');
      return new Map([...models].map(([schema, m]) => [schema, withoutIgnored(m, scoped(schema), rules)]));
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    }
  } catch (cause) {
    const which = scope.schemas.length === 1 ? `schema "${scope.schemas[0]}"` : `${scope.schemas.length} schemas`;
    throw new PgfleetError(errorCode(cause), `inspecting ${which}: ${(cause as Error).message}`, { cause });
  }
}

/**
 * Tenant schemas' models with references to their own schema name made unqualified where
 * that is equivalent (one catalog query for the names pg_catalog shadows, when there are any).
 */
async function withoutOwnSchemaNames(
  client: pg.ClientBase,
  models: Map<string, Model>,
  sharedSchema: string,
): Promise<Map<string, Model>> {
  const tenants = [...models.keys()].filter((schema) => schema !== sharedSchema);
  const names = new Set(tenants.flatMap((schema) => [...qualifiedNames(models.get(schema)!, schema)]));
  if (names.size === 0) return models;
  const shadowed = await shadowedByCatalog(client, [...names]);
  const out = new Map(models);
  for (const schema of tenants) out.set(schema, unqualifyOwnSchema(models.get(schema)!, schema, shadowed).model);
  return out;
}

/** An error Postgres raised (other than a lost connection) is ours to fix; anything else is the connection. */
function errorCode(cause: unknown): ErrorCode {
  if (!(cause instanceof pg.DatabaseError)) return 'connection';
  if (cause.code?.startsWith('08')) return 'connection';
  return 'internal';
}

/**
 * Read one live schema into a {@link Model}; see {@link inspectSchemas}.
 *
 * @example
 * const model = await inspectSchema(client, 'tenant_a', { sharedSchema: 'shared' });
 */
export async function inspectSchema(client: pg.ClientBase, schema: string, options: InspectOptions): Promise<Model> {
  const models = await inspectSchemas(client, [schema], options);
  return models.get(schema)!;
}

async function readModels(client: pg.ClientBase, scope: CatalogScope): Promise<Map<string, Model>> {
  // One after another: a client runs one query at a time anyway.
  const tables = await readTables(client, scope);
  const columns = await readColumns(client, scope);
  const constraints = await readConstraints(client, scope);
  const indexes = await readIndexes(client, scope);
  const sequences = await readSequences(client, scope);
  const enums = await readEnums(client, scope);
  const extensions = await readExtensions(client, scope);
  const {
    types,
    domains,
    routines: functions,
    views,
    triggers,
    exclusions,
    policies,
    grants,
    textObjects,
  } = await readObjects(client, scope);

  const columnsOf = groupBy(columns, (c) => tableKey(c.schema, c.table));
  const constraintsOf = groupBy(constraints, (c) => tableKey(c.schema, c.table));
  const indexesOf = groupBy(indexes, (i) => tableKey(i.schema, i.table));
  const tablesOf = groupBy(tables, (t) => t.schema);
  const sequencesOf = groupBy(sequences, (s) => s.schema);
  const enumsOf = groupBy(enums, (e) => e.schema);
  const extensionsOf = groupBy(extensions, (e) => e.schema);
  const domainsOf = groupBy(domains, (d) => d.schema);
  const typesOf = groupBy(types, (t) => t.schema);
  const textObjectsOf = groupBy(textObjects, (o) => o.schema);
  const textObjectsIn = <S extends TextObject['section']>(schema: string, section: S) =>
    byName(
      (textObjectsOf.get(schema) ?? [])
        .map((o) => o.object)
        .filter((o): o is Extract<TextObject, { section: S }> => o.section === section)
        .map((o) => o.value as Extract<TextObject, { section: S }>['value']),
    );
  const functionsOf = groupBy(functions, (f) => f.schema);
  const viewsOf = groupBy(views, (v) => v.schema);
  const triggersOf = groupBy(triggers, (t) => tableKey(t.schema, t.table));
  const exclusionsOf = groupBy(exclusions, (x) => tableKey(x.schema, x.table));
  const policiesOf = groupBy(policies, (p) => tableKey(p.schema, p.table));
  const grantsOf = groupBy(grants, (g) => tableKey(g.schema, g.relation));
  const grantsFor = (schema: string, relation: string) =>
    byName((grantsOf.get(tableKey(schema, relation)) ?? []).map((g) => g.grant));
  const serialSequences = new Set(
    columns.flatMap((c) => (c.serialSequence === null ? [] : [tableKey(c.schema, c.serialSequence)])),
  );

  const models = new Map<string, Model>();
  for (const schema of scope.schemas) {
    const schemaTables = (tablesOf.get(schema) ?? []).map((t): Table => {
      const key = tableKey(schema, t.name);
      const table = assembleTable(
        t.name,
        t.comment,
        (columnsOf.get(key) ?? []).map((c) => c.column),
        constraintsOf.get(key) ?? [],
        (indexesOf.get(key) ?? []).map((i) => i.index),
        (triggersOf.get(key) ?? []).map((t) => t.trigger),
      );
      return {
        ...table,
        exclusions: byName((exclusionsOf.get(key) ?? []).map((x) => x.exclusion)),
        rowLevelSecurity: t.row_security,
        forceRowLevelSecurity: t.force_row_security,
        policies: byName((policiesOf.get(key) ?? []).map((p) => p.policy)),
        grants: grantsFor(schema, t.name),
        partitionBy: t.partition_by,
        partitionOf: t.parent !== null && t.bound !== null ? { parent: t.parent, bound: t.bound } : null,
      };
    });
    models.set(schema, {
      extensions: byName((extensionsOf.get(schema) ?? []).map((e) => e.extension)),
      enums: byName((enumsOf.get(schema) ?? []).map((e) => e.enum)),
      sequences: byName(
        (sequencesOf.get(schema) ?? [])
          .filter((s) => !serialSequences.has(tableKey(schema, s.sequence.name)))
          .map((s) => ({ ...s.sequence, grants: grantsFor(schema, s.sequence.name) })),
      ),
      tables: byName(schemaTables),
      domains: (domainsOf.get(schema) ?? []).map((d) => d.domain),
      types: (typesOf.get(schema) ?? []).map((t) => t.type),
      collations: textObjectsIn(schema, 'collations'),
      textSearchDictionaries: textObjectsIn(schema, 'textSearchDictionaries'),
      textSearchConfigurations: textObjectsIn(schema, 'textSearchConfigurations'),
      functions: byName((functionsOf.get(schema) ?? []).map((f) => f.routine)),
      views: (viewsOf.get(schema) ?? []).map(({ view }) => ({
        ...view,
        // Indexes are read for tables and materialized views alike (one namespace: no clash).
        indexes: byName((indexesOf.get(tableKey(schema, view.name)) ?? []).map((i) => i.index)),
        grants: grantsFor(schema, view.name),
      })),
    });
  }
  return models;
}

function assembleTable(
  name: string,
  comment: string | null,
  columns: readonly Column[],
  constraints: readonly InspectedConstraint[],
  indexes: Table['indexes'],
  triggers: Table['triggers'],
): Table {
  let primaryKey: Table['primaryKey'] = null;
  const uniques: Table['uniques'][number][] = [];
  const checks: Table['checks'][number][] = [];
  const foreignKeys: Table['foreignKeys'][number][] = [];
  for (const c of constraints) {
    switch (c.kind) {
      case 'primaryKey':
        primaryKey = c.constraint;
        break;
      case 'unique':
        uniques.push(c.constraint);
        break;
      case 'check':
        checks.push(c.constraint);
        break;
      case 'foreignKey':
        foreignKeys.push(c.constraint);
        break;
      default:
        throw new Error(`unhandled constraint kind ${(c satisfies never as InspectedConstraint).kind}`);
    }
  }
  return {
    kind: 'table',
    name,
    columns,
    primaryKey,
    uniques: byName(uniques),
    checks: byName(checks),
    foreignKeys: byName(foreignKeys),
    indexes: byName(indexes),
    triggers: byName(triggers),
    exclusions: [],
    rowLevelSecurity: false,
    forceRowLevelSecurity: false,
    policies: [],
    grants: [],
    comment,
    partitionBy: null,
    partitionOf: null,
  };
}

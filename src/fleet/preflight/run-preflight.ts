import type pg from 'pg';
import type { Config } from '../../config/config.js';
import type { MigrationSet } from '../../migrations/index.js';
import type { Scope } from '../../model/types.js';
import { type FleetConnection, snapshot } from '../fleet.js';
import { schemaState } from '../pending.js';
import { forEachBounded } from '../pool.js';
import { castValidity } from './cast-validity.js';
import { checksSelect, type KeyColumns, preflightMessage } from './check-query.js';
import { type Check, type CheckPlan, checksOf, tablesCreatedBy, type Unchecked } from './checks.js';

export interface PreflightOptions {
  /** Only the shared schema, only the tenants, or one schema. */
  readonly only?: { readonly scope: Scope } | { readonly schema: string };
  /** Only these tenants (rollout waves); the shared schema is checked too unless `only` leaves it out. */
  readonly tenants?: readonly string[];
  /** Check the migrations up to this version. */
  readonly to?: string;
  readonly concurrency: number;
  /** Per schema's query; a schema that takes longer is reported as not checked. Default 60 s. */
  readonly statementTimeoutMs?: number;
}

/** A schema whose data would make a pending migration fail. */
export interface PreflightFailure {
  readonly database?: string;
  readonly schema: string;
  readonly scope: Scope;
  readonly migration: string;
  readonly kind: Check['kind'];
  readonly table: string;
  readonly constraint: string;
  /** Rows that violate it (for a unique key: rows that share a value with another). */
  readonly rows: number;
  /** Up to three: the duplicated values for a unique key, else the primary keys (or ctids) of offending rows. */
  readonly examples: readonly string[];
}

/** A check that could not run on a schema (a timeout, an expression that fails): its outcome is unknown. */
export interface PreflightError {
  readonly database?: string;
  readonly schema: string;
  readonly migration: string;
  readonly constraint: string;
  readonly message: string;
}

export interface PreflightResult {
  /** Schemas with pending migrations that were looked at. */
  readonly schemas: number;
  /** Distinct checks, across the pending sets of the fleet. */
  readonly checks: number;
  readonly failures: readonly PreflightFailure[];
  readonly errors: readonly PreflightError[];
  /** Pending statements preflight could not judge, once each. */
  readonly unchecked: readonly Unchecked[];
  readonly ms: number;
}

/** The first server with pg_input_is_valid. */
const PG16 = 160000;

/**
 * `migrate --preflight`: for every schema with pending migrations, count the rows that
 * would make a data-dependent statement fail (see {@link checksOf}), one READ ONLY query
 * per schema, `concurrency` at a time. Writes nothing, not even history: no run lock, no
 * ledger table, no claim function. A schema's check that errors is re-run alone, check by
 * check, so one bad expression does not hide the others.
 */
export async function preflight(
  fleet: FleetConnection,
  config: Config,
  set: MigrationSet,
  o: PreflightOptions,
): Promise<PreflightResult> {
  const started = performance.now();
  const shared = config.shared.schema;
  const one = o.only && 'schema' in o.only ? o.only.schema : undefined;
  const scopeOnly = o.only && 'scope' in o.only ? o.only.scope : undefined;
  const snap = await snapshot(fleet, config, one, true);
  const subset = o.tenants ? new Set(o.tenants) : null;
  const targets: Array<{ schema: string; scope: Scope }> = [
    ...(scopeOnly !== 'tenant' && (one === undefined || one === shared)
      ? [{ schema: shared, scope: 'shared' as const }]
      : []),
    ...(scopeOnly !== 'shared' && one !== shared ? snap.tenants.tenants : [])
      .filter((t) => subset === null || subset.has(t))
      .map((t) => ({ schema: t, scope: 'tenant' as const })),
  ];
  const major = Number(
    (await fleet.coordinator.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`)).rows[0].v,
  );
  // A tenant's foreign key to a table the shared schema's pending migrations create cannot be checked yet.
  const sharedPending = schemaState(shared, 'shared', set.shared, snap.history.get(shared) ?? [], o.to).pending;
  const createdShared = tablesCreatedBy(sharedPending);
  // Schemas with the same pending migrations share one plan of checks.
  const plans = new Map<string, CheckPlan>();
  const work: Array<{ schema: string; scope: Scope; plan: CheckPlan }> = [];
  for (const t of targets) {
    const state = schemaState(t.schema, t.scope, set[t.scope], snap.history.get(t.schema) ?? [], o.to);
    if (state.pending.length === 0) continue;
    const key = `${t.scope}:${state.pending.map((m) => m.id).join(',')}`;
    let plan = plans.get(key);
    if (!plan) {
      plan = castsBefore16(checksOf(state.pending, t.scope === 'tenant' ? createdShared : undefined), major);
      plans.set(key, plan);
    }
    work.push({ ...t, plan });
  }
  const unchecked = dedupe([...plans.values()].flatMap((p) => p.unchecked));
  const distinctChecks = new Set(
    [...plans.values()].flatMap((p) => p.checks.map((c) => `${c.migration}:${c.constraint}`)),
  );
  const failures: PreflightFailure[] = [];
  const errors: PreflightError[] = [];
  const withChecks = work.filter((w) => w.plan.checks.length > 0);
  const pks = await primaryKeys(fleet.coordinator, withChecks, shared);
  const timeout = o.statementTimeoutMs ?? 60_000;

  await forEachBounded(
    withChecks,
    o.concurrency,
    async (w) => {
      if (!snap.existing.has(w.schema)) {
        errors.push({
          schema: w.schema,
          migration: w.plan.checks[0].migration,
          constraint: '',
          message: `schema "${w.schema}" does not exist`,
        });
        return;
      }
      const path = w.scope === 'shared' ? [shared] : [w.schema, shared];
      const items = w.plan.checks.map((check, index) => ({ index, check, pk: pkFor(pks, w.schema, shared, check) }));
      const run = async (part: typeof items) => {
        let client: pg.PoolClient;
        try {
          client = await fleet.pool.connect();
        } catch (error) {
          return `could not connect: ${(error as Error).message}`;
        }
        let broken = false;
        try {
          const results = (await client.query(
            preflightMessage(path, checksSelect(part), timeout),
          )) as unknown as pg.QueryResult[];
          const rows = results.find((r) => r.command === 'SELECT')?.rows ?? [];
          for (const row of rows as Array<{ i: number; n: string; examples: string[] }>) {
            const n = Number(row.n);
            if (n === 0) continue;
            const c = w.plan.checks[row.i];
            failures.push({
              schema: w.schema,
              scope: w.scope,
              migration: c.migration,
              kind: c.kind,
              table: c.table.sql,
              constraint: c.constraint,
              rows: n,
              examples: row.examples,
            });
          }
          return null;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => {
            broken = true;
          });
          return (error as Error).message;
        } finally {
          client.release(broken);
        }
      };
      const message = await run(items);
      if (message === null) return;
      if (items.length === 1) {
        errors.push({
          schema: w.schema,
          migration: items[0].check.migration,
          constraint: items[0].check.constraint,
          message,
        });
        return;
      }
      for (const item of items) {
        const alone = await run([item]);
        if (alone !== null)
          errors.push({
            schema: w.schema,
            migration: item.check.migration,
            constraint: item.check.constraint,
            message: alone,
          });
      }
    },
    () => undefined,
  );
  const order = (a: { schema: string; migration: string }, b: { schema: string; migration: string }) =>
    a.schema < b.schema
      ? -1
      : a.schema > b.schema
        ? 1
        : a.migration < b.migration
          ? -1
          : a.migration > b.migration
            ? 1
            : 0;
  return {
    schemas: work.length,
    checks: distinctChecks.size,
    failures: failures.sort(order),
    errors: errors.sort(order),
    unchecked,
    ms: Math.round(performance.now() - started),
  };
}

/**
 * Before Postgres 16 a type change is checked by a predicate where one is known for the
 * target type (cast-validity.ts), and listed as not checked otherwise.
 */
function castsBefore16(plan: CheckPlan, serverVersion: number): CheckPlan {
  if (serverVersion >= PG16) return plan;
  const known = (c: Check) => c.kind !== 'cast' || castValidity(c.type) !== null;
  return {
    checks: plan.checks.filter(known).map((c) => (c.kind === 'cast' ? { ...c, byPredicate: true } : c)),
    unchecked: [
      ...plan.unchecked,
      ...plan.checks
        .filter((c) => !known(c))
        .map((c) => ({
          migration: c.migration,
          statement: c.constraint,
          reason:
            'before Postgres 16 (pg_input_is_valid) preflight checks a type change to integer, numeric, varchar, char, text, uuid or boolean only',
        })),
    ],
  };
}

const dedupe = (list: readonly Unchecked[]): Unchecked[] => {
  const seen = new Map<string, Unchecked>();
  for (const u of list) seen.set(`${u.migration}\u0000${u.statement}\u0000${u.reason}`, u);
  return [...seen.values()].sort((a, b) => (a.migration < b.migration ? -1 : a.migration > b.migration ? 1 : 0));
};

type PkMap = Map<string, Map<string, string[]>>;

/**
 * Primary key columns of every table a check reads, in every schema checked: one catalog
 * query for the fleet, so examples can name rows by key.
 */
async function primaryKeys(
  client: pg.ClientBase,
  work: ReadonlyArray<{ schema: string; plan: CheckPlan }>,
  shared: string,
): Promise<PkMap> {
  const schemas = new Set<string>([shared]);
  const tables = new Set<string>();
  for (const w of work) {
    schemas.add(w.schema);
    for (const c of w.plan.checks) {
      tables.add(c.table.name);
      if (c.table.schema) schemas.add(c.table.schema);
    }
  }
  const map: PkMap = new Map();
  if (tables.size === 0) return map;
  const r = await client.query<{ nspname: string; relname: string; cols: string[] }>(
    `SELECT n.nspname, c.relname, array_agg(a.attname::text ORDER BY k.i) AS cols
       FROM pg_constraint con
       JOIN pg_class c ON c.oid = con.conrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, i)
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
      WHERE con.contype = 'p' AND n.nspname = ANY($1) AND c.relname = ANY($2)
      GROUP BY 1, 2`,
    [[...schemas], [...tables]],
  );
  for (const row of r.rows) {
    const bySchema = map.get(row.nspname) ?? new Map<string, string[]>();
    bySchema.set(row.relname, row.cols);
    map.set(row.nspname, bySchema);
  }
  return map;
}

const pkFor = (pks: PkMap, schema: string, shared: string, check: Check): KeyColumns => {
  const t = check.table;
  if (t.schema) return pks.get(t.schema)?.get(t.name) ?? null;
  return pks.get(schema)?.get(t.name) ?? pks.get(shared)?.get(t.name) ?? null;
};

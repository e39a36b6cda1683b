import type pg from 'pg';
import type { Config } from '../config/config.js';
import type { DevDatabase } from '../devdb/dev-database.js';
import { serverMajor } from '../devdb/server-major.js';
import { diff } from '../diff/diff.js';
import { snapshotOf } from '../fleet/fleet.js';
import type { ScopedModels } from '../inspect/canonicalise.js';
import { fingerprints } from '../inspect/fingerprint.js';
import { inspectSchemas } from '../inspect/index.js';
import { readUnmodelled } from '../inspect/read-unmodelled.js';
import { scopeOf as catalogScope } from '../inspect/scope.js';
import { settleExpressions } from '../inspect/settle.js';
import { emptyModel } from '../model/build.js';
import { sameSchema, stableKey, stored } from '../model/compare.js';
import type { Model, Scope } from '../model/types.js';
import { plan } from '../plan/plan.js';
import { modelPatch } from '../replay/verify.js';

export type BaselineStatus =
  /** Matches the migrations' state: recorded as applied (or would be, when another schema differs). */
  | 'matches'
  /** Left out with --skip. */
  | 'skipped'
  /** Already has pgfleet history: nothing to record. */
  | 'managed'
  /** Differs from the migrations' state (see `difference` and `sql`). */
  | 'differs'
  /** Listed by the tenants config, but the schema does not exist. */
  | 'missing';

export interface BaselineSchema {
  /** The database, without its password, when the fleet has several. */
  readonly database?: string;
  readonly schema: string;
  readonly scope: Scope;
  readonly status: BaselineStatus;
  /** With `differs`: a unified diff of the expected (the migrations' state) and the live schema, as YAML. */
  readonly difference?: string;
  /** With `differs`: the SQL that would make the live schema match. */
  readonly sql?: readonly string[];
}

/**
 * Tenants are fingerprinted this many at a time (one catalog query each), so memory stays
 * bounded in a large fleet; of each batch one tenant per fingerprint not met before is
 * inspected in full (tenants made by the same migrations look alike).
 */
const BATCH = 1000;

/**
 * `baseline`'s check of one database: each schema of the fleet (the shared one and every
 * tenant) against what the migrations produce (`expected`), without changing anything.
 * A schema with history is `managed`, one listed but absent `missing`; the others match or
 * differ, with the difference and the SQL that would fix it (for this server's major).
 */
export async function checkBaseline(
  client: pg.Client,
  config: Config,
  expected: ScopedModels,
  dev: DevDatabase,
  skip: ReadonlySet<string>,
): Promise<{ schemas: BaselineSchema[]; warnings: string[] }> {
  const shared = config.shared.schema;
  const {
    tenants: { tenants, invalid },
    history,
    existing: exists,
  } = await snapshotOf(client, config);
  const warnings = invalid.map((bad) => `tenant name ${JSON.stringify(bad.name)} ignored: ${bad.problem}`);
  const targets: { schema: string; scope: Scope }[] = [
    { schema: shared, scope: 'shared' },
    ...tenants.map((t) => ({ schema: t, scope: 'tenant' as const })),
  ];
  const results: BaselineSchema[] = [];
  const toCheck: { schema: string; scope: Scope }[] = [];
  for (const t of targets) {
    if (skip.has(t.schema)) results.push({ ...t, status: 'skipped' });
    else if ((history.get(t.schema) ?? []).some((r) => r.status === 'applied'))
      results.push({ ...t, status: 'managed' });
    else if (!exists.has(t.schema)) results.push({ ...t, status: 'missing' });
    else toCheck.push(t);
  }

  // The SQL shown for a schema that differs is for this database's server.
  const major = await serverMajor(client);
  const liveShared =
    (await inspectSchemas(client, [shared], { sharedSchema: shared, ignore: config.ignore })).get(shared) ??
    emptyModel();
  // Tenants made by the same migrations are equal: each distinct model is settled and compared once.
  const verdicts = new Map<string, BaselineSchema>();
  // Tenants of one fingerprint share their Model: its key is computed once.
  const keys = new WeakMap<Model, string>();
  const verdict = async (schema: string, scope: Scope, live: Model): Promise<BaselineSchema> => {
    const modelKey = keys.get(live) ?? stableKey(stored(live));
    keys.set(live, modelKey);
    const key = `${scope}\0${modelKey}`;
    let v = verdicts.get(key);
    if (!v) {
      const models = { shared: liveShared, tenant: scope === 'tenant' ? live : emptyModel() };
      const settled = (await settleExpressions(models, expected, dev, shared))[scope];
      v = sameSchema(settled, expected[scope])
        ? { schema, scope, status: 'matches' }
        : {
            schema,
            scope,
            status: 'differs',
            difference: modelPatch(scope, expected[scope], settled),
            sql: plan(diff(settled, expected[scope], { serverMajor: major }), {
              scope,
              sharedSchema: shared,
              serverMajor: major,
            }).up.map((s) => s.sql),
          };
      verdicts.set(key, v);
    }
    return { ...v, schema };
  };
  for (const t of toCheck.filter((x) => x.scope === 'shared'))
    results.push(await verdict(t.schema, 'shared', liveShared));
  const tenantsToCheck = toCheck.filter((x) => x.scope === 'tenant').map((x) => x.schema);
  // Equal fingerprints only for equal models (src/inspect/fingerprint.ts), so a tenant's
  // verdict is that of the first tenant with its fingerprint.
  const modelOf = new Map<string, Model>();
  for (let i = 0; i < tenantsToCheck.length; i += BATCH) {
    const batch = tenantsToCheck.slice(i, i + BATCH);
    const prints = await fingerprints(client, catalogScope(batch, shared));
    const hashOf = (schema: string) => prints.get(schema)!.hash;
    const unseen = new Map<string, string>();
    for (const schema of batch) {
      const hash = hashOf(schema);
      if (!modelOf.has(hash) && !unseen.has(hash)) unseen.set(hash, schema);
    }
    const models = await inspectSchemas(client, [...unseen.values()], { sharedSchema: shared, ignore: config.ignore });
    for (const [hash, schema] of unseen) modelOf.set(hash, models.get(schema) ?? emptyModel());
    for (const schema of batch) results.push(await verdict(schema, 'tenant', modelOf.get(hashOf(schema))!));
  }

  const checkedSchemas = toCheck.map((t) => t.schema);
  if (checkedSchemas.length > 0) {
    const unmodelled = await readUnmodelled(client, catalogScope(checkedSchemas, shared));
    const bySchema = new Map<string, string[]>();
    for (const o of unmodelled) bySchema.set(o.schema, [...(bySchema.get(o.schema) ?? []), `${o.kind} ${o.name}`]);
    for (const [schema, objects] of bySchema) {
      warnings.push(
        `${schema} has ${objects.length} object(s) the model cannot describe yet, which the check did not compare: ${objects.slice(0, 5).join(', ')}${objects.length > 5 ? ', …' : ''}`,
      );
    }
  }
  const order = new Map(targets.map((t, i) => [t.schema, i]));
  return { schemas: results.sort((a, b) => (order.get(a.schema) ?? 0) - (order.get(b.schema) ?? 0)), warnings };
}

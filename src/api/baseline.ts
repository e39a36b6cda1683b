import type pg from 'pg';
import type { DevDatabase } from '../devdb/dev-database.js';
import { connect, safeUrl } from '../devdb/dev-database.js';
import { serverMajor } from '../devdb/server-major.js';
import { diff } from '../diff/diff.js';
import { PgfleetError } from '../errors.js';
import { type FleetConnection, lockRun, openFleet } from '../fleet/fleet.js';
import { HISTORY, readHistory } from '../fleet/history.js';
import { listTenants } from '../fleet/targets.js';
import type { ScopedModels } from '../inspect/canonicalise.js';
import { fingerprints } from '../inspect/fingerprint.js';
import { inspectSchemas } from '../inspect/index.js';
import { readUnmodelled } from '../inspect/read-unmodelled.js';
import { scopeOf as catalogScope } from '../inspect/scope.js';
import { settleExpressions } from '../inspect/settle.js';
import type { Config } from '../load/config.js';
import { compareVersions, type Migration, type MigrationSet, readMigrations } from '../migrations/index.js';
import { emptyModel } from '../model/build.js';
import { sameSchema, stableKey, stored } from '../model/compare.js';
import type { Model, Scope } from '../model/types.js';
import { plan } from '../plan/plan.js';
import { replayedState } from '../replay/replay.js';
import { modelPatch } from '../replay/verify.js';
import { checkSchemaFlag } from './flags.js';
import { type GeneratedMigration, generate } from './generate.js';
import type { Project } from './project.js';
import { withDevDatabase } from './validate.js';

export interface BaselineOptions {
  /** Schemas to leave out: neither checked nor recorded (their migrations stay pending). */
  readonly skip?: readonly string[];
  /** Baseline the migrations up to this version (of each scope); default: all of them. */
  readonly to?: string;
}

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

export interface BaselineResult {
  /** Migrations written first because the directory had none for a scope with a model. */
  readonly generated: readonly GeneratedMigration[];
  /** The migrations recorded as applied, by scope. */
  readonly migrations: Readonly<Record<Scope, readonly string[]>>;
  /** True when history was written; false when a schema differs (nothing is written then). */
  readonly recorded: boolean;
  readonly schemas: readonly BaselineSchema[];
  readonly summary: {
    readonly matches: number;
    readonly differs: number;
    readonly missing: number;
    readonly skipped: number;
    readonly managed: number;
  };
  /** Objects of the live schemas that the model cannot describe yet (so the check could not see them). */
  readonly warnings: readonly string[];
}

/**
 * Tenants are fingerprinted this many at a time (one catalog query each), so memory stays
 * bounded in a large fleet; of each batch one tenant per fingerprint not met before is
 * inspected in full (tenants made by the same migrations look alike).
 */
const BATCH = 1000;

const upTo = (migrations: readonly Migration[], to: string | undefined) =>
  migrations.filter((m) => to === undefined || compareVersions(m.version, to) <= 0);

/**
 * `pgfleet baseline`: adopt an existing fleet. Takes the migrations of each scope (writing
 * the initial ones first when the directory has none), replays them on the dev database,
 * and checks that every live schema (the shared one and each tenant) is exactly what they
 * produce. Only when every schema not skipped matches are the migrations recorded in
 * pgfleet's history as applied, without running them (Django's `--fake-initial`, but
 * verified). The live schemas are never changed; a schema that differs is reported with
 * the difference and the SQL that would fix it, and nothing is written.
 *
 * @example
 * const result = await baseline(await loadProject(), { skip: ['tenant_broken'] });
 */
export async function baseline(project: Project, options: BaselineOptions = {}): Promise<BaselineResult> {
  for (const s of options.skip ?? []) checkSchemaFlag(s, '--skip');
  const { config } = project;
  if (config.databases.length === 0) {
    throw new PgfleetError('input', 'no database to baseline', {
      hint: 'pass --database-url, set DATABASE_URL, or set `database:` in pgfleet.yaml',
    });
  }
  let set = await readMigrations(config.migrations);
  let generated: readonly GeneratedMigration[] = [];
  const needs = (scope: Scope) =>
    set[scope].length === 0 && project[scope].tables.length + project[scope].enums.length > 0;
  if (needs('shared') || needs('tenant')) {
    generated = (await generate(project, { name: 'initial' })).migrations;
    set = await readMigrations(config.migrations);
  }
  const chosen: MigrationSet = { shared: upTo(set.shared, options.to), tenant: upTo(set.tenant, options.to) };
  const skip = new Set(options.skip ?? []);

  return withDevDatabase(project, async (dev) => {
    const expected = await replayedState(dev, chosen, config.shared.schema);
    const several = config.databases.length > 1;
    const checked: { url: string; config: Config; schemas: BaselineSchema[] }[] = [];
    const warnings: string[] = [];
    for (const db of config.databases) {
      const dbConfig: Config = { ...config, tenants: db.tenants, database: db.url };
      const client = await connect(db.url);
      try {
        const found = await checkDatabase(client, dbConfig, expected, dev, skip);
        const database = several ? { database: safeUrl(db.url) } : {};
        checked.push({ url: db.url, config: dbConfig, schemas: found.schemas.map((s) => ({ ...database, ...s })) });
        warnings.push(...found.warnings.map((w) => (several ? `${safeUrl(db.url)}: ${w}` : w)));
      } finally {
        await client.end();
      }
    }
    const schemas = checked.flatMap((c) => c.schemas);
    const count = (status: BaselineStatus) => schemas.filter((s) => s.status === status).length;
    const blocked = count('differs') + count('missing') > 0;
    if (!blocked) {
      for (const c of checked) {
        const fleet = await openFleet(c.url, 1);
        try {
          await record(
            fleet,
            c.schemas.filter((s) => s.status === 'matches'),
            chosen,
          );
        } finally {
          await fleet.close();
        }
      }
    }
    return {
      generated,
      migrations: { shared: chosen.shared.map((m) => m.id), tenant: chosen.tenant.map((m) => m.id) },
      recorded: !blocked,
      schemas,
      summary: {
        matches: count('matches'),
        differs: count('differs'),
        missing: count('missing'),
        skipped: count('skipped'),
        managed: count('managed'),
      },
      warnings,
    };
  });
}

async function checkDatabase(
  client: pg.Client,
  config: Config,
  expected: ScopedModels,
  dev: DevDatabase,
  skip: ReadonlySet<string>,
): Promise<{ schemas: BaselineSchema[]; warnings: string[] }> {
  const shared = config.shared.schema;
  const { tenants, invalid } = await listTenants(client, config);
  const warnings = invalid.map((bad) => `tenant name ${JSON.stringify(bad.name)} ignored: ${bad.problem}`);
  const history = await readHistory(client);
  const exists = new Set(
    (
      await client.query<{ nspname: string }>('SELECT nspname FROM pg_namespace WHERE nspname = ANY($1)', [
        [shared, ...tenants],
      ])
    ).rows.map((r) => r.nspname),
  );
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
  const liveShared = (await inspectSchemas(client, [shared], { sharedSchema: shared })).get(shared) ?? emptyModel();
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
    const models = await inspectSchemas(client, [...unseen.values()], { sharedSchema: shared });
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

/** History rows for every matching schema, in one transaction under the run lock. */
async function record(fleet: FleetConnection, schemas: readonly BaselineSchema[], set: MigrationSet): Promise<void> {
  await lockRun(fleet, 'baseline');
  const rows = schemas.flatMap((s) => set[s.scope].map((m) => ({ schema: s.schema, m })));
  if (rows.length === 0) return;
  const column = <T>(pick: (r: (typeof rows)[number]) => T) => rows.map(pick);
  const c = fleet.coordinator;
  await c.query('BEGIN');
  try {
    await c.query(
      `INSERT INTO ${HISTORY} (schema_name, scope, version, name, checksum, status, duration_ms)
       SELECT schema_name, scope, version, name, checksum, 'applied', 0
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS r(schema_name, scope, version, name, checksum)
       ON CONFLICT (schema_name, version) DO UPDATE
         SET status = 'applied', name = EXCLUDED.name, checksum = EXCLUDED.checksum, error = NULL, applied_at = now()
         WHERE ${HISTORY}.status = 'failed'`,
      [
        column((r) => r.schema),
        column((r) => r.m.scope),
        column((r) => r.m.version),
        column((r) => r.m.name),
        column((r) => r.m.checksum),
      ],
    );
    await c.query('COMMIT');
  } catch (cause) {
    await c.query('ROLLBACK').catch(() => {});
    throw new PgfleetError(
      'connection',
      `recording the baseline failed, nothing was recorded: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  }
}

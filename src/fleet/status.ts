import type { Config } from '../config/config.js';
import { type MigrationSet, migrationSteps } from '../migrations/index.js';
import { idOf } from '../migrations/migration-id.js';
import type { Scope } from '../model/types.js';
import { type FleetConnection, snapshot } from './fleet.js';
import { schemaState } from './pending.js';

export interface SchemaStatus {
  readonly schema: string;
  readonly scope: Scope;
  readonly exists: boolean;
  /** Version of the last directory migration applied, or null. */
  readonly version: string | null;
  readonly applied: readonly string[];
  readonly pending: readonly string[];
  readonly failed: { readonly migration: string; readonly error: string | null; readonly at: Date } | null;
  /** Applied in the database but missing from the directory. */
  readonly unknown: readonly string[];
  readonly problems: readonly string[];
  /** The migration of steps the schema is inside: some steps done, the rest pending. */
  readonly inside: { readonly migration: string; readonly stepsDone: number; readonly steps: number } | null;
}

/** Tenants that stand in the same place, reported once: "812 tenants at 0007". */
export interface StatusGroup {
  readonly version: string | null;
  readonly pending: number;
  readonly failed: string | null;
  /** Inside a migration of steps: `0004_x step 2 of 5`. */
  readonly inside: string | null;
  readonly count: number;
  readonly schemas: readonly string[];
}

export interface FleetStatus {
  readonly latest: { readonly shared: string | null; readonly tenant: string | null };
  readonly shared: SchemaStatus | null;
  readonly tenants: readonly SchemaStatus[];
  readonly groups: readonly StatusGroup[];
  readonly invalidNames: ReadonlyArray<{ readonly name: string; readonly problem: string }>;
  /** The code migrations of the directory (TypeScript/JavaScript), and whether each can be rolled back. */
  readonly code: ReadonlyArray<{
    readonly scope: Scope;
    readonly id: string;
    readonly path: string;
    readonly reversible: boolean;
    readonly batched: boolean;
  }>;
}

/**
 * Where every schema of the fleet stands, from three catalog/history queries (not one per
 * tenant), grouped so that thousands of tenants read as a few lines.
 */
export async function fleetStatus(
  fleet: FleetConnection,
  config: Config,
  set: MigrationSet,
  only?: string,
): Promise<FleetStatus> {
  const snap = await snapshot(fleet, config, only);
  const sharedName = config.shared.schema;
  const statusOf = (schema: string, scope: Scope): SchemaStatus => {
    const s = schemaState(schema, scope, set[scope], snap.history.get(schema) ?? []);
    return {
      schema,
      scope,
      exists: snap.existing.has(schema),
      version: s.applied.at(-1)?.version ?? null,
      applied: s.applied.map((m) => m.id),
      pending: s.pending.map((m) => m.id),
      failed: s.failed ? { migration: idOf(s.failed), error: s.failed.error, at: s.failed.appliedAt } : null,
      unknown: s.unknown.map(idOf),
      problems: [...s.edited, ...s.problems],
      inside: s.inside
        ? {
            migration: s.inside.migration.id,
            stepsDone: s.inside.stepsDone,
            steps: migrationSteps(s.inside.migration).up.length,
          }
        : null,
    };
  };
  const shared = only === undefined || only === sharedName ? statusOf(sharedName, 'shared') : null;
  const tenants = snap.tenants.tenants.map((t) => statusOf(t, 'tenant'));
  const groups = new Map<string, StatusGroup>();
  for (const t of tenants) {
    const inside = t.inside ? `${t.inside.migration} step ${t.inside.stepsDone} of ${t.inside.steps}` : null;
    const key = `${t.version}\0${t.pending.length}\0${t.failed?.migration ?? ''}\0${inside ?? ''}`;
    const g = groups.get(key);
    const schemas = g ? g.schemas : [];
    if (schemas.length < 20) (schemas as string[]).push(t.schema);
    groups.set(key, {
      version: t.version,
      pending: t.pending.length,
      failed: t.failed?.migration ?? null,
      inside,
      count: (g?.count ?? 0) + 1,
      schemas,
    });
  }
  return {
    latest: { shared: set.shared.at(-1)?.version ?? null, tenant: set.tenant.at(-1)?.version ?? null },
    shared,
    tenants,
    groups: [...groups.values()].sort((a, b) => b.count - a.count),
    invalidNames: snap.tenants.invalid,
    code: [...set.shared, ...set.tenant]
      .filter((m) => m.code)
      .map((m) => ({
        scope: m.scope,
        id: m.id,
        path: m.path,
        reversible: m.code?.reversible ?? true,
        batched: !m.transactional,
      })),
  };
}

import type { DevDatabase } from '../devdb/dev-database.js';
import type { Model, Scope, Table } from '../model/types.js';
import { canonicalise, type ScopedModels } from './canonicalise.js';

/**
 * Live models with each SQL expression that means what the desired model says written as
 * the desired model writes it.
 *
 * Why: Postgres does not always print an expression as text that parses back to the same
 * tree. `status IN ('a', 'b')` on a varchar column prints as
 * `(status)::text = ANY ((ARRAY['a'::character varying, ...])::text[])`, and that text
 * parses into per-element casts, which print differently again. A schema that pgfleet made
 * holds the text its model canonicalised to; a schema made by Django or by hand (adopted
 * with `pull`) holds the original, and the two would never compare equal. So the live
 * models are canonicalised too (created in a scratch database and read back), and an
 * expression whose canonical form equals the desired one counts as equal. Anything that
 * fails to canonicalise leaves the live models as they are.
 */
export async function settleExpressions(
  live: ScopedModels,
  desired: ScopedModels,
  dev: DevDatabase,
  sharedSchema: string,
): Promise<ScopedModels> {
  let canonical: ScopedModels;
  try {
    canonical = await canonicalise(live, dev, { sharedSchema });
  } catch {
    return live;
  }
  const settle = (scope: Scope) => settleModel(live[scope], canonical[scope], desired[scope]);
  return { shared: settle('shared'), tenant: settle('tenant') };
}

/** Pick the desired text where the live one canonicalises to it. */
export function settleModel(live: Model, canonical: Model, desired: Model): Model {
  const canonicalTables = new Map(canonical.tables.map((t) => [t.name, t]));
  const desiredTables = new Map(desired.tables.map((t) => [t.name, t]));
  return {
    ...live,
    tables: live.tables.map((t) => {
      const c = canonicalTables.get(t.name);
      const d = desiredTables.get(t.name);
      return c && d ? settleTable(t, c, d) : t;
    }),
  };
}

/** `d` when `live` differs from it only in how Postgres printed it (`c` is live's canonical form). */
const pick = <T>(live: T, c: T | undefined, d: T | undefined): T =>
  live !== null && d !== undefined && d !== null && live !== d && c === d ? d : live;

function settleTable(t: Table, c: Table, d: Table): Table {
  const byName = <T extends { name: string | null }>(items: readonly T[]) => new Map(items.map((i) => [i.name, i]));
  const cColumns = byName(c.columns);
  const dColumns = byName(d.columns);
  const cChecks = byName(c.checks);
  const dChecks = byName(d.checks);
  const cIndexes = byName(c.indexes);
  const dIndexes = byName(d.indexes);
  return {
    ...t,
    columns: t.columns.map((col) => ({
      ...col,
      default: pick(col.default, cColumns.get(col.name)?.default, dColumns.get(col.name)?.default),
      generated: pick(col.generated, cColumns.get(col.name)?.generated, dColumns.get(col.name)?.generated),
    })),
    checks: t.checks.map((k) => ({
      ...k,
      expression: pick(k.expression, cChecks.get(k.name)?.expression, dChecks.get(k.name)?.expression),
    })),
    indexes: t.indexes.map((i) => {
      const ci = cIndexes.get(i.name);
      const di = dIndexes.get(i.name);
      return {
        ...i,
        where: pick(i.where, ci?.where, di?.where),
        elements: i.elements.map((e, n) => ({
          ...e,
          expression: pick(e.expression, ci?.elements[n]?.expression, di?.elements[n]?.expression),
        })),
      };
    }),
  };
}

import { byName } from './by-name.js';
import type { Column, Index, Model, Table } from './types.js';

/** JSON with object keys sorted: equal data gives equal text whatever built it. */
export function stableKey(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

const withoutColumnHints = ({ hints: _h, ...rest }: Column): Column => rest;
const withoutIndexHints = ({ concurrently: _c, ...rest }: Index): Index => rest;

/**
 * The part of a model that Postgres stores: hints (`renamedFrom`, `using`, `backfill`,
 * `concurrently`) dropped, columns by name (a live table keeps columns in the order they
 * were added, which pgfleet does not enforce), everything else by name.
 */
export function stored(model: Model): Model {
  const table = ({ hints: _h, ...t }: Table): Table => ({
    ...t,
    columns: byName(t.columns.map(withoutColumnHints)),
    uniques: byName(t.uniques),
    checks: byName(t.checks),
    foreignKeys: byName(t.foreignKeys),
    indexes: byName(t.indexes.map(withoutIndexHints)),
    triggers: byName(t.triggers),
    exclusions: byName(t.exclusions),
    policies: byName(t.policies),
    grants: byName(t.grants),
  });
  return {
    extensions: byName(model.extensions),
    enums: byName(model.enums),
    sequences: byName(model.sequences).map((s) => ({ ...s, grants: byName(s.grants) })),
    tables: byName(model.tables.map(table)),
    domains: byName(model.domains.map((d) => ({ ...d, checks: byName(d.checks) }))),
    functions: byName(model.functions).map((f) => ({ ...f, grants: byName(f.grants) })),
    views: byName(
      model.views.map((v) => ({
        ...v,
        indexes: byName(v.indexes.map(withoutIndexHints)),
        grants: byName(v.grants),
      })),
    ),
    types: byName(model.types),
    collations: byName(model.collations),
    textSearchDictionaries: byName(model.textSearchDictionaries),
    textSearchConfigurations: byName(model.textSearchConfigurations),
  };
}

/** True when two models describe the same stored schema. */
export const sameSchema = (a: Model, b: Model): boolean => stableKey(stored(a)) === stableKey(stored(b));

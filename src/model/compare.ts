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
const byName = <T extends { name: string | null }>(a: T, b: T) => ((a.name ?? '') < (b.name ?? '') ? -1 : 1);

/**
 * The part of a model that Postgres stores: hints (`renamedFrom`, `using`, `backfill`,
 * `concurrently`) dropped, columns by name (a live table keeps columns in the order they
 * were added, which pgfleet does not enforce), everything else by name.
 */
export function stored(model: Model): Model {
  const table = ({ hints: _h, ...t }: Table): Table => ({
    ...t,
    columns: t.columns.map(withoutColumnHints).sort(byName),
    uniques: [...t.uniques].sort(byName),
    checks: [...t.checks].sort(byName),
    foreignKeys: [...t.foreignKeys].sort(byName),
    indexes: t.indexes.map(withoutIndexHints).sort(byName),
    triggers: [...t.triggers].sort(byName),
    exclusions: [...t.exclusions].sort(byName),
    policies: [...t.policies].sort(byName),
    grants: [...t.grants].sort(byName),
  });
  return {
    extensions: [...model.extensions].sort(byName),
    enums: [...model.enums].sort(byName),
    sequences: [...model.sequences].sort(byName).map((s) => ({ ...s, grants: [...s.grants].sort(byName) })),
    tables: model.tables.map(table).sort(byName),
    domains: model.domains.map((d) => ({ ...d, checks: [...d.checks].sort(byName) })).sort(byName),
    functions: [...model.functions].sort(byName).map((f) => ({ ...f, grants: [...f.grants].sort(byName) })),
    views: model.views
      .map((v) => ({
        ...v,
        indexes: v.indexes.map(withoutIndexHints).sort(byName),
        grants: [...v.grants].sort(byName),
      }))
      .sort(byName),
    types: [...model.types].sort(byName),
    collations: [...model.collations].sort(byName),
    textSearchDictionaries: [...model.textSearchDictionaries].sort(byName),
    textSearchConfigurations: [...model.textSearchConfigurations].sort(byName),
  };
}

/** True when two models describe the same stored schema. */
export const sameSchema = (a: Model, b: Model): boolean => stableKey(stored(a)) === stableKey(stored(b));

import type { ForeignKey, Model, Table } from '../model/types.js';
import { matchByName } from './match.js';

/** The renames `to` asks for: tables old → new, and per new table name its columns old → new. */
export interface Renames {
  readonly tables: ReadonlyMap<string, string>;
  readonly columns: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

export function renamesOf(from: Model, to: Model): Renames {
  const m = matchByName(from.tables, to.tables, (t) => t.hints?.renamedFrom);
  const tables = new Map(m.renames.map(([a, b]) => [a.name, b.name]));
  const columns = new Map<string, Map<string, string>>();
  for (const [a, b] of [...m.pairs, ...m.renames]) {
    const c = matchByName(a.columns, b.columns, (x) => x.hints?.renamedFrom);
    if (c.renames.length > 0) columns.set(b.name, new Map(c.renames.map(([x, y]) => [x.name, y.name])));
  }
  return { tables, columns };
}

/**
 * A from-side foreign key with its target as it is named after the renames. ALTER TABLE
 * ... RENAME keeps foreign keys pointing at the renamed table and column, so a key whose
 * target was only renamed is unchanged.
 */
export function followTarget(fk: ForeignKey, r: Renames): ForeignKey {
  const refTable = r.tables.get(fk.refTable) ?? fk.refTable;
  const columns = r.columns.get(refTable);
  return columns ? { ...fk, refTable, refColumns: fk.refColumns.map((c) => columns.get(c) ?? c) } : { ...fk, refTable };
}

/** `from` with its tables and columns named as after the renames; nothing else changed. */
export function applyRenames(from: Model, r: Renames): Model {
  const table = (t: Table): Table => {
    const name = r.tables.get(t.name) ?? t.name;
    const columns = r.columns.get(name);
    return { ...t, name, columns: t.columns.map((c) => ({ ...c, name: columns?.get(c.name) ?? c.name })) };
  };
  return { ...from, tables: from.tables.map(table) };
}

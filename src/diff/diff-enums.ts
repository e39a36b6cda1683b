import type { Change, EnumUsage } from '../model/changes.js';
import type { Enum, Model } from '../model/types.js';

/** Columns of `model` whose type is the enum `name` or an array of it. */
export function enumUsages(model: Model, name: string): EnumUsage[] {
  const usages: EnumUsage[] = [];
  for (const table of model.tables) {
    for (const column of table.columns) {
      const array = column.type === `${name}[]`;
      if (column.type === name || array) {
        usages.push({ table: table.name, column: column.name, array, default: column.default });
      }
    }
  }
  return usages;
}

/** True when `to` keeps every value of `from` in the same relative order. */
function onlyAdds(from: readonly string[], to: readonly string[]): boolean {
  let i = 0;
  for (const value of to) if (value === from[i]) i++;
  return i === from.length;
}

/**
 * `usages` lists the columns as they are when the change (or its reverse) runs: a rebuild
 * runs after columns are added, altered and dropped (`toModel`); adding values runs before
 * them, so its reverse, a rebuild in the down section, meets the columns and defaults of
 * `fromModel` (named as after the renames, which run first).
 */
export function diffEnum(from: Enum, to: Enum, toModel: Model, fromModel: Model): Change[] {
  const changes: Change[] = [];
  const same = from.values.length === to.values.length && from.values.every((v, i) => v === to.values[i]);
  if (!same) {
    changes.push(
      onlyAdds(from.values, to.values)
        ? { kind: 'add_enum_values', from, to, usages: enumUsages(fromModel, to.name) }
        : { kind: 'recreate_enum', from, to, usages: enumUsages(toModel, to.name) },
    );
  }
  if (from.comment !== to.comment) {
    changes.push({ kind: 'set_enum_comment', name: to.name, from: from.comment, to: to.comment });
  }
  return changes;
}

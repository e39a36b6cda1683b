import type { Change, EnumUsage } from '../model/changes.js';
import type { Enum, Model } from '../model/types.js';

/** Columns of `model` whose type is the enum `name` or an array of it. */
export function enumUsages(model: Model, name: string): EnumUsage[] {
  // Column types are as Postgres prints them (format_type), which quotes a name that needs it.
  const printed = [name, `"${name.replaceAll('"', '""')}"`];
  const usages: EnumUsage[] = [];
  for (const table of model.tables) {
    for (const column of table.columns) {
      const array = printed.some((p) => column.type === `${p}[]`);
      if (printed.includes(column.type) || array) {
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
 *
 * A rebuild that also brings new values first adds them to the old type: columns added or
 * altered before the rebuild may already use them (a default, in either direction).
 */
export function diffEnum(from: Enum, to: Enum, toModel: Model, fromModel: Model): Change[] {
  const changes: Change[] = [];
  const same = from.values.length === to.values.length && from.values.every((v, i) => v === to.values[i]);
  if (!same) {
    const added = to.values.filter((v) => !from.values.includes(v));
    if (onlyAdds(from.values, to.values)) {
      changes.push({ kind: 'add_enum_values', from, to, usages: enumUsages(fromModel, to.name) });
    } else if (added.length === 0) {
      changes.push({ kind: 'recreate_enum', from, to, usages: enumUsages(toModel, to.name) });
    } else {
      const both: Enum = { ...from, values: [...from.values, ...added] };
      changes.push({ kind: 'add_enum_values', from, to: both, usages: enumUsages(fromModel, to.name) });
      changes.push({ kind: 'recreate_enum', from: both, to, usages: enumUsages(toModel, to.name) });
    }
  }
  // A rebuilt type gets the comment of the enum it is rebuilt as, in either direction.
  const rebuilt = changes.some((c) => c.kind === 'recreate_enum');
  if (from.comment !== to.comment && !rebuilt) {
    changes.push({ kind: 'set_enum_comment', name: to.name, from: from.comment, to: to.comment });
  }
  return changes;
}

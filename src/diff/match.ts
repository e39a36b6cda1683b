import { stableKey } from '../model/compare.js';

/**
 * Pair two lists of named objects. Objects with the same name pair up; `renamedFrom`
 * pairs a new name with an old one. Returns what only one side has.
 */
export function matchByName<T extends { name: string }>(
  from: readonly T[],
  to: readonly T[],
  renamedFrom: (item: T) => string | undefined = () => undefined,
): { pairs: Array<[T, T]>; renames: Array<[T, T]>; removed: T[]; added: T[] } {
  const fromByName = new Map(from.map((f) => [f.name, f]));
  const toNames = new Set(to.map((t) => t.name));
  const pairs: Array<[T, T]> = [];
  const renames: Array<[T, T]> = [];
  const added: T[] = [];
  const used = new Set<string>();
  for (const t of to) {
    const same = fromByName.get(t.name);
    if (same) {
      pairs.push([same, t]);
      used.add(t.name);
      continue;
    }
    const old = renamedFrom(t);
    const source = old === undefined || toNames.has(old) ? undefined : fromByName.get(old);
    if (source && !used.has(source.name)) {
      renames.push([source, t]);
      used.add(source.name);
    } else {
      added.push(t);
    }
  }
  const removed = from.filter((f) => !used.has(f.name));
  return { pairs, renames, removed, added };
}

/**
 * Pair named objects whose definitions are equal but whose names differ, so that the diff
 * renames them instead of dropping and rebuilding (a table rename leaves `old_pkey` behind;
 * an index renamed by hand must not be rebuilt).
 */
export function pairRenamed<T extends { name: string | null }>(
  removed: readonly T[],
  added: readonly T[],
  definition: (item: T) => unknown,
): { renamed: Array<[T, T]>; removed: T[]; added: T[] } {
  const renamed: Array<[T, T]> = [];
  const left = [...removed];
  const unpaired: T[] = [];
  for (const a of added) {
    const key = stableKey(definition(a));
    const i = left.findIndex((r) => stableKey(definition(r)) === key);
    if (i >= 0) {
      renamed.push([left[i], a]);
      left.splice(i, 1);
    } else {
      unpaired.push(a);
    }
  }
  return { renamed, removed: left, added: unpaired };
}

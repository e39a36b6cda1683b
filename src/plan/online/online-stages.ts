import type { Change } from '../../model/changes.js';
import { defaultPrimaryKeyName, makeObjectName } from '../../model/default-names.js';
import type { Index, TableConstraint } from '../../model/types.js';
import type { PlanOptions, Stage } from '../types.js';
import {
  addCheckOrForeignKey,
  addPrimaryKey,
  addUnique,
  dropConstraintOnline,
  replaceConstraint,
} from './constraints.js';
import { createIndex, dropIndex, partitionedIndex, replaceIndex } from './indexes.js';
import { setNotNull } from './not-null.js';

/** What the online forms need to know about the plan around a change. */
export interface OnlineContext {
  /** Tables and views the plan creates: they keep the plain forms (nothing reads them yet). */
  readonly created: ReadonlySet<string>;
  /** Tables the plan drops. */
  readonly dropped: ReadonlySet<string>;
  /** Partitioned parents (after renames): Postgres builds their indexes only under a lock. */
  readonly partitioned: ReadonlySet<string>;
  /** Indexes dropped and created again under the same name (`table\0name`): built before the old one goes. */
  readonly replaced: ReadonlyMap<string, Index>;
  /**
   * Constraints that take an old one's place (`table\0name` of the new one → the old one):
   * the same name with another definition, or another name (see plan.ts). The new one is
   * built first; the old one goes after it.
   */
  readonly replacedConstraints: ReadonlyMap<string, TableConstraint>;
  /** The old ones of `replacedConstraints` (`table\0name`): their drops are part of the new one's stages. */
  readonly supersededConstraints: ReadonlySet<string>;
}

const named = <T extends { name: string | null }>(x: T): x is T & { name: string } => x.name !== null;

export const replacementKey = (table: string, name: string) => `${table}\0${name}`;

/**
 * The online form of a change on a table that existed before the plan, as stages; null
 * when the change keeps its plain form (a new table, nothing that locks, or a case the
 * online form cannot take, such as an unnamed constraint).
 */
export function onlineStages(change: Change, options: PlanOptions, ctx: OnlineContext): Stage[] | null {
  if (!('table' in change) || typeof change.table !== 'string') return null;
  const table = change.table;
  if (ctx.created.has(table) || ctx.dropped.has(table)) return null;
  const partitioned = ctx.partitioned.has(table);
  switch (change.kind) {
    case 'add_constraint': {
      const c = change.constraint;
      // Postgres refuses NOT VALID foreign keys on partitioned tables, and a CHECK added
      // NOT VALID there is not validated per partition the same way: plain forms.
      if (!named(c) || partitioned) return null;
      const old = ctx.replacedConstraints.get(replacementKey(table, c.name));
      if (old && named(old) && old.name === c.name) {
        return replaceConstraint(table, old, c, makeObjectName(c.name, null, 'new'), options);
      }
      const add = c.kind === 'unique' ? addUnique(table, c) : addCheckOrForeignKey(table, c, options);
      // Another name: the new one is in force before the old one goes.
      return old && named(old) ? [...add, ...dropConstraintOnline(table, old, options)] : add;
    }
    case 'drop_constraint': {
      const c = change.constraint;
      if (!named(c) || partitioned) return null;
      // Replaced: the add_constraint that takes its place builds the new one first and drops this one after.
      if (ctx.supersededConstraints.has(replacementKey(table, c.name))) return [];
      return dropConstraintOnline(table, c, options);
    }
    case 'add_primary_key':
      if (partitioned) return null;
      return addPrimaryKey(table, change.primaryKey, change.primaryKey.name ?? defaultPrimaryKeyName(table));
    case 'create_index': {
      if (partitioned) return partitionedIndex(table, change.index);
      if (!named(change.index)) return null;
      const old = ctx.replaced.get(replacementKey(table, change.index.name));
      if (old && named(old)) return replaceIndex(table, old, change.index, makeObjectName(old.name, null, 'old'));
      return createIndex(table, change.index);
    }
    case 'drop_index':
      if (partitioned || !named(change.index)) return null;
      // Replaced: the create_index of the same name builds the new one first and drops this one after.
      if (ctx.replaced.has(replacementKey(table, change.index.name))) return [];
      return dropIndex(table, change.index);
    case 'alter_column':
      if (partitioned) return null;
      return setNotNull(table, change.from, change.to, options.serverMajor);
    default:
      return null;
  }
}

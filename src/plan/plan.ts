import { type Change, invert } from '../model/changes.js';
import { orderChanges } from './order.js';
import { ident } from './quote.js';
import { narrows } from './render/columns.js';
import { render } from './render/index.js';
import { restarts } from './render/sequences.js';
import type { Plan, PlannedChange, PlanOptions } from './types.js';

/**
 * Why a change's reverse cannot give back exactly what was there, or null: every change
 * that deletes data (a `deletes_data` hazard) has one.
 */
function downCaveat(change: Change): string | null {
  switch (change.kind) {
    case 'drop_table':
      return `recreates table ${change.table.name} empty: its rows are not restored`;
    case 'drop_column':
      return `re-adds column ${change.table}.${change.column.name} without its data`;
    case 'drop_sequence':
      return `recreates sequence ${change.sequence.name} at its start value`;
    case 'drop_extension':
      return `recreates extension ${change.extension.name} without the data of the objects it owned`;
    case 'alter_sequence':
      return restarts(change.from, change.to)
        ? `does not restore the value sequence ${change.to.name} had before its restart`
        : null;
    case 'alter_type': {
      const kept = new Set(change.to.attributes.map((a) => a.name));
      const dropped = change.from.attributes.filter((a) => !kept.has(a.name)).map((a) => a.name);
      return dropped.length > 0
        ? `re-adds attribute(s) ${dropped.join(', ')} of type ${change.to.name} empty in every value`
        : null;
    }
    case 'alter_column':
      if (change.to.hints?.backfill !== undefined && change.from.nullable && !change.to.nullable) {
        return `keeps the values backfilled into ${change.table}.${change.to.name}`;
      }
      if (change.from.type !== change.to.type && narrows(change.from.type, change.to.type)) {
        return `does not restore what narrowing ${change.table}.${change.to.name} to ${change.to.type} cut off`;
      }
      return null;
    // A removed enum value used by a row makes the migration fail rather than lose it.
    case 'recreate_enum':
    case 'create_extension':
    case 'create_enum':
    case 'drop_enum':
    case 'add_enum_values':
    case 'set_enum_comment':
    case 'create_sequence':
    case 'create_table':
    case 'rename_table':
    case 'set_table_comment':
    case 'add_column':
    case 'rename_column':
    case 'add_primary_key':
    case 'drop_primary_key':
    case 'add_constraint':
    case 'drop_constraint':
    case 'rename_constraint':
    case 'create_index':
    case 'drop_index':
    case 'rename_index':
    case 'create_domain':
    case 'drop_domain':
    case 'alter_domain':
    case 'create_function':
    case 'drop_function':
    case 'replace_function':
    case 'create_view':
    case 'drop_view':
    case 'create_trigger':
    case 'drop_trigger':
    case 'add_exclusion':
    case 'drop_exclusion':
    case 'create_policy':
    case 'drop_policy':
    case 'set_row_security':
    case 'grant':
    case 'revoke':
    case 'create_type':
    case 'drop_type':
    case 'set_partition_bound':
    case 'set_comment':
      return null;
    default: {
      const never: never = change;
      throw new Error(`downCaveat: unknown change kind ${(never as Change).kind}`);
    }
  }
}

/**
 * Postgres accepts ALTER TYPE ... ADD VALUE in a transaction, but refuses to use the new
 * value before that transaction commits ("unsafe use of new value"). When a later
 * statement of the plan may use an added value (a default, check or predicate naming it),
 * the additions run on their own, outside the migration's transaction.
 */
function commitNewEnumValues(planned: PlannedChange[]): void {
  planned.forEach((p, i) => {
    const c = p.change;
    if (c.kind !== 'add_enum_values') return;
    const added = c.to.values.filter((v) => !c.from.values.includes(v));
    // A rebuild of the same type creates a new one, whose values are usable at once.
    const later = planned
      .slice(i + 1)
      .filter((q) => !(q.change.kind === 'recreate_enum' && q.change.to.name === c.to.name))
      .flatMap((q) => q.up.map((s) => s.sql));
    // The value as it appears inside a string literal (quotes doubled), alone or in an array.
    const uses = (v: string) => later.some((s) => s.includes(ident(c.to.name)) && s.includes(v.replaceAll("'", "''")));
    if (!added.some(uses)) return;
    planned[i] = { ...p, up: p.up.map((s) => ({ ...s, transactional: false })) };
  });
}

/**
 * Order `changes` and render each with its reverse.
 *
 * @example
 * const p = plan(diff(live, desired), { scope: 'tenant', sharedSchema: 'public' });
 * for (const s of p.up) console.log(`${s.sql};`);
 */
export function plan(changes: readonly Change[], options: PlanOptions): Plan {
  // Indexes and constraints on a table created in the same plan lock and scan nothing.
  const created = new Set(changes.flatMap((c) => (c.kind === 'create_table' ? [c.table.name] : [])));
  const onNewTable = (c: Change) => 'table' in c && typeof c.table === 'string' && created.has(c.table);
  const planned: PlannedChange[] = orderChanges(changes).map((change) => {
    const up = render(change, options);
    const down = render(invert(change), options);
    const hazards = onNewTable(change) ? [] : up.hazards;
    return { change, up: up.statements, down: down.statements, downCaveat: downCaveat(change), hazards };
  });
  commitNewEnumValues(planned);
  return {
    changes: planned,
    up: planned.flatMap((p) => p.up),
    down: [...planned].reverse().flatMap((p) => p.down),
    hazards: planned.flatMap((p) => p.hazards),
  };
}

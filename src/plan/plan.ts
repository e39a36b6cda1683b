import { type Change, invert } from '../model/changes.js';
import type { TableConstraint } from '../model/types.js';
import { type OnlineContext, onlineStages, replacementKey } from './online/online-stages.js';
import { orderChanges } from './order.js';
import { ident } from './quote.js';
import { narrows } from './render/columns.js';
import { render } from './render/index.js';
import { restarts } from './render/sequences.js';
import { planSteps } from './steps.js';
import type { Hazard, Plan, PlannedChange, PlanOptions, Stage, Statement } from './types.js';

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
    case 'create_collation':
    case 'drop_collation':
    case 'recreate_collation':
    case 'create_ts_dictionary':
    case 'drop_ts_dictionary':
    case 'alter_ts_dictionary':
    case 'recreate_ts_dictionary':
    case 'create_ts_configuration':
    case 'drop_ts_configuration':
    case 'alter_ts_configuration':
    case 'recreate_ts_configuration':
    case 'set_text_object_comment':
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

/** What the online forms need to know about the plan as a whole. */
function onlineContext(changes: readonly Change[], options: PlanOptions): OnlineContext {
  const created = new Set<string>();
  const dropped = new Set<string>();
  const partitioned = new Set((options.before?.tables ?? []).filter((t) => t.partitionBy !== null).map((t) => t.name));
  const dropIndexes = new Map<string, Change & { kind: 'drop_index' }>();
  for (const c of changes) {
    if (c.kind === 'create_table') created.add(c.table.name);
    if (c.kind === 'create_view') created.add(c.view.name);
    if (c.kind === 'drop_table') dropped.add(c.table.name);
    if (c.kind === 'rename_table' && partitioned.has(c.from)) partitioned.add(c.to);
    if (c.kind === 'drop_index' && c.index.name !== null) dropIndexes.set(replacementKey(c.table, c.index.name), c);
  }
  const replaced = new Map(
    changes.flatMap((c) => {
      if (c.kind !== 'create_index' || c.index.name === null) return [];
      const key = replacementKey(c.table, c.index.name);
      const old = dropIndexes.get(key);
      return old ? [[key, old.index] as const] : [];
    }),
  );
  const { replacedConstraints, supersededConstraints } = constraintReplacements(changes, partitioned);
  return { created, dropped, partitioned, replaced, replacedConstraints, supersededConstraints };
}

const sameColumns = (a: TableConstraint, b: TableConstraint) =>
  a.kind !== 'check' && b.kind !== 'check' && JSON.stringify(a.columns) === JSON.stringify(b.columns);

/**
 * Constraints a plan replaces, to be built before the old ones go: a constraint of the same
 * name and kind whose definition changes (a foreign key dropped and added unchanged, around
 * a rebuilt key it references, is not one), or one of another name that takes an old one's
 * place: of the same kind on the same table, with the same columns (FK, UNIQUE) or as the
 * only CHECK dropped and the only one added there. Keys are `table\0name`.
 */
function constraintReplacements(changes: readonly Change[], partitioned: ReadonlySet<string>) {
  type Named = { table: string; constraint: TableConstraint & { name: string } };
  // A column dropped or retyped may take the old constraint with it (or be refused while it
  // stands): on such a table the old one goes first, as in the plain order.
  const columnsChange = new Set(
    changes.flatMap((c) =>
      c.kind === 'drop_column' || (c.kind === 'alter_column' && c.from.type !== c.to.type) ? [c.table] : [],
    ),
  );
  const named = (kind: 'add_constraint' | 'drop_constraint'): Named[] =>
    changes.flatMap((c) =>
      c.kind === kind && c.constraint.name !== null && !partitioned.has(c.table) && !columnsChange.has(c.table)
        ? [{ table: c.table, constraint: c.constraint as Named['constraint'] }]
        : [],
    );
  const adds = named('add_constraint');
  const drops = named('drop_constraint');
  const key = (x: Named) => replacementKey(x.table, x.constraint.name);
  const replaced = new Map<string, TableConstraint>();
  const superseded = new Set<string>();
  const pair = (add: Named, drop: Named) => {
    replaced.set(key(add), drop.constraint);
    superseded.add(key(drop));
  };
  const addKeys = new Set(adds.map(key));
  const dropKeys = new Set(drops.map(key));
  for (const a of adds) {
    const d = drops.find((x) => key(x) === key(a));
    if (d && d.constraint.kind === a.constraint.kind && JSON.stringify(d.constraint) !== JSON.stringify(a.constraint))
      pair(a, d);
  }
  // Of another name: only constraints that are neither re-added nor dropped under their own name.
  const alone = (list: Named[], others: Set<string>) => list.filter((x) => !others.has(key(x)));
  const newOnes = alone(adds, dropKeys);
  const oldOnes = alone(drops, addKeys);
  for (const a of newOnes) {
    const candidates = oldOnes.filter(
      (d) => d.table === a.table && d.constraint.kind === a.constraint.kind && !superseded.has(key(d)),
    );
    const sameKind = newOnes.filter((x) => x.table === a.table && x.constraint.kind === a.constraint.kind);
    const d =
      candidates.find((x) => sameColumns(x.constraint, a.constraint)) ??
      (a.constraint.kind === 'check' && candidates.length === 1 && sameKind.length === 1 ? candidates[0] : undefined);
    if (d) pair(a, d);
  }
  return { replacedConstraints: replaced, supersededConstraints: superseded };
}

/** Hazards on the statements that carry them: a plain change's go on its first statement. */
const withChangeHazards = (up: readonly Statement[], hazards: readonly Hazard[]): Statement[] =>
  up.map((s, i) => (i === 0 && hazards.length > 0 && s.hazards === undefined ? { ...s, hazards } : s));

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
  const context = options.online ? onlineContext(changes, options) : null;
  const planned: PlannedChange[] = orderChanges(changes).map((change) => {
    const stages = context ? onlineStages(change, options, context) : null;
    if (stages) return fromStages(change, stages);
    const up = render(change, options);
    const down = render(invert(change), options);
    const hazards = onNewTable(change) ? [] : up.hazards;
    return { change, up: up.statements, down: down.statements, downCaveat: downCaveat(change), hazards, stages: [] };
  });
  commitNewEnumValues(planned);
  const all = planned.map((p) =>
    p.stages.length > 0 || p.up.length + p.down.length === 0
      ? p
      : {
          ...p,
          stages: [{ up: withChangeHazards(p.up, p.hazards), down: p.down }],
        },
  );
  return {
    changes: all,
    up: all.flatMap((p) => p.up),
    down: [...all].reverse().flatMap((p) => p.down),
    hazards: all.flatMap((p) => p.hazards),
    steps: planSteps(all.flatMap((p) => p.stages)),
  };
}

/** A change in its online form: its statements, reverses and hazards are those of its stages. */
function fromStages(change: Change, stages: readonly Stage[]): PlannedChange {
  return {
    change,
    up: stages.flatMap((s) => s.up),
    down: [...stages].reverse().flatMap((s) => s.down),
    downCaveat: downCaveat(change),
    hazards: stages.flatMap((s) => s.up.flatMap((st) => st.hazards ?? [])),
    stages,
  };
}

import type { Change, GrantTarget } from '../model/changes.js';
import { stableKey } from '../model/compare.js';
import { mentions } from '../model/mentions.js';
import type { ExclusionConstraint, Grant, Model, Routine, Table, Trigger, View } from '../model/types.js';
import { recreatesColumn } from '../plan/server-features.js';
import { matchByName } from './match.js';
import type { DiffOptions } from './options.js';
import type { Renames } from './renames.js';

/**
 * Domains, routines, views and triggers: objects kept as (canonical) SQL text. Their
 * dependencies are not in the model, so they are read from that text: an object depends on
 * another when it names it. A false match only orders or rebuilds more than needed.
 */

/** `film_in_stock(integer,integer)` → `film_in_stock`; quotes kept off. */
export const routineBaseName = (identity: string): string =>
  identity
    .replace(/\(.*$/s, '')
    .replace(/^"(.*)"$/s, '$1')
    .replaceAll('""', '"');

// ---------------------------------------------------------------------------- domains

export function diffDomains(from: Model, to: Model): Change[] {
  const m = matchByName(from.domains, to.domains);
  return [
    ...m.added.map((domain): Change => ({ kind: 'create_domain', domain })),
    ...m.removed.map((domain): Change => ({ kind: 'drop_domain', domain })),
    ...m.pairs
      .filter(([a, b]) => stableKey(a) !== stableKey(b))
      .map(([a, b]): Change => ({ kind: 'alter_domain', from: a, to: b })),
  ];
}

// ---------------------------------------------------------------------------- composite types

export function diffTypes(from: Model, to: Model): Change[] {
  const m = matchByName(from.types, to.types);
  return [
    ...m.added.map((type): Change => ({ kind: 'create_type', type })),
    ...m.removed.map((type): Change => ({ kind: 'drop_type', type })),
    ...m.pairs
      .filter(([a, b]) => stableKey(a) !== stableKey(b))
      .map(([a, b]): Change => ({ kind: 'alter_type', from: a, to: b })),
  ];
}

// ---------------------------------------------------------------------------- routines

/**
 * The types a routine's signature names: its argument list, and its RETURNS clause (or an
 * aggregate's STYPE), which is where a table's or view's row type can appear.
 */
function signatureTypes(definition: string): string {
  const open = definition.indexOf('(');
  if (open < 0) return '';
  let depth = 0;
  let close = open;
  for (; close < definition.length; close++) {
    if (definition[close] === '(') depth++;
    else if (definition[close] === ')' && --depth === 0) break;
  }
  const rest = definition.slice(close + 1);
  const returns =
    /^\s*RETURNS\s+(.*?)(?=\s+(LANGUAGE|IMMUTABLE|STABLE|VOLATILE|STRICT|CALLED|SECURITY|PARALLEL|COST|ROWS|SUPPORT|SET|WINDOW|LEAKPROOF|NOT|TRANSFORM|AS|BEGIN)\b|\n|$)/is.exec(
      rest,
    );
  const stype = /\bSTYPE\s*=\s*([^,)]+)/i.exec(rest);
  return `${definition.slice(open, close + 1)} ${returns?.[1] ?? ''} ${stype?.[1] ?? ''}`;
}

/** A routine whose signature names a table or view of the model (its row type) needs that relation first. */
function isLate(r: Routine, model: Model): boolean {
  const types = signatureTypes(r.definition);
  return [...model.tables, ...model.views].some((t) => mentions(types, t.name));
}

/** Depths in the call graph (a routine naming another comes after it); cycles are cut. */
function depths<T extends { name: string }>(items: readonly T[], text: (item: T) => string, nameOf = (n: string) => n) {
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const visit = (item: T): number => {
    const known = depth.get(item.name);
    if (known !== undefined) return known;
    if (visiting.has(item.name)) return 0;
    visiting.add(item.name);
    let d = 0;
    for (const other of items) {
      if (other.name !== item.name && mentions(text(item), nameOf(other.name))) d = Math.max(d, visit(other) + 1);
    }
    visiting.delete(item.name);
    depth.set(item.name, Math.min(d, 999));
    return depth.get(item.name) ?? 0;
  };
  for (const item of items) visit(item);
  return depth;
}

const routineDepths = (model: Model) =>
  depths(model.functions, (r) => r.definition.slice(r.definition.indexOf('(')), routineBaseName);

export function diffFunctions(from: Model, to: Model): { changes: Change[]; recreated: Set<string> } {
  const m = matchByName(from.functions, to.functions);
  const fromDepth = routineDepths(from);
  const toDepth = routineDepths(to);
  const changes: Change[] = [];
  const recreated = new Set<string>();
  for (const routine of m.added) {
    changes.push({
      kind: 'create_function',
      routine,
      late: isLate(routine, to),
      depth: toDepth.get(routine.name) ?? 0,
    });
  }
  for (const routine of m.removed) {
    changes.push({
      kind: 'drop_function',
      routine,
      late: isLate(routine, from),
      depth: fromDepth.get(routine.name) ?? 0,
    });
  }
  for (const [a, b] of m.pairs) {
    changes.push(...diffGrants({ kind: 'function', name: b.name }, a.name, a.grants, b.grants));
    if (a.definition !== b.definition) {
      changes.push({ kind: 'replace_function', from: a, to: b, late: isLate(b, to) });
      if (returns(a.definition) !== returns(b.definition)) recreated.add(routineBaseName(b.name));
    } else if (a.comment !== b.comment) {
      changes.push({
        kind: 'set_comment',
        target: { kind: 'function', name: b.name, definition: b.definition },
        from: a.comment,
        to: b.comment,
      });
    }
  }
  for (const r of m.removed) recreated.add(routineBaseName(r.name));
  return { changes, recreated };
}

const returns = (definition: string) => /\bRETURNS\s+([^\n]*)/i.exec(definition)?.[1].trim() ?? '';

// ---------------------------------------------------------------------------- triggers

/**
 * The triggers of a table that stays. Triggers are dropped before renames (so under the
 * table's old name) and created after them (under its new name); see the planner's order.
 */
export function diffTriggers(
  table: string,
  oldTable: string,
  from: readonly Trigger[],
  to: readonly Trigger[],
): Change[] {
  const m = matchByName(from, to);
  const changes: Change[] = [];
  for (const trigger of m.removed) changes.push({ kind: 'drop_trigger', table: oldTable, trigger });
  for (const trigger of m.added) changes.push({ kind: 'create_trigger', table, trigger });
  for (const [a, b] of m.pairs) {
    if (a.definition !== b.definition) {
      changes.push({ kind: 'drop_trigger', table: oldTable, trigger: a });
      changes.push({ kind: 'create_trigger', table, trigger: b });
    } else if (a.comment !== b.comment) {
      changes.push({
        kind: 'set_comment',
        target: { kind: 'trigger', name: b.name, on: table },
        from: a.comment,
        to: b.comment,
      });
    }
  }
  return changes;
}

/** Exclusion constraints of a table that stays; dropped (under the old name) before renames. */
export function diffExclusions(
  table: string,
  oldTable: string,
  from: readonly ExclusionConstraint[],
  to: readonly ExclusionConstraint[],
): Change[] {
  const m = matchByName(from, to);
  const changed = m.pairs.filter(([a, b]) => a.definition !== b.definition);
  return [
    ...[...m.removed, ...changed.map(([a]) => a)].map(
      (exclusion): Change => ({ kind: 'drop_exclusion', table: oldTable, exclusion }),
    ),
    ...[...m.added, ...changed.map(([, b]) => b)].map(
      (exclusion): Change => ({ kind: 'add_exclusion', table, exclusion }),
    ),
  ];
}

/** Row level security and policies of a table that stays; policies dropped (under the old name) before renames. */
export function diffPolicies(table: string, oldTable: string, from: Table, to: Table): Change[] {
  const m = matchByName(from.policies, to.policies);
  const changed = m.pairs.filter(([a, b]) => stableKey(a) !== stableKey(b));
  const changes: Change[] = [
    ...[...m.removed, ...changed.map(([a]) => a)].map(
      (policy): Change => ({ kind: 'drop_policy', table: oldTable, policy }),
    ),
    ...[...m.added, ...changed.map(([, b]) => b)].map((policy): Change => ({ kind: 'create_policy', table, policy })),
  ];
  if (from.rowLevelSecurity !== to.rowLevelSecurity || from.forceRowLevelSecurity !== to.forceRowLevelSecurity) {
    changes.push({
      kind: 'set_row_security',
      table,
      from: { enabled: from.rowLevelSecurity, forced: from.forceRowLevelSecurity },
      to: { enabled: to.rowLevelSecurity, forced: to.forceRowLevelSecurity },
    });
  }
  return changes;
}

/** GRANT and REVOKE what differs between two objects' grants, role by role. */
export function diffGrants(on: GrantTarget, oldName: string, from: readonly Grant[], to: readonly Grant[]): Change[] {
  const changes: Change[] = [];
  const had = new Map(from.map((g) => [g.name, new Set(g.privileges)]));
  const has = new Map(to.map((g) => [g.name, new Set(g.privileges)]));
  for (const [role, privileges] of had) {
    const gone = [...privileges].filter((p) => !has.get(role)?.has(p));
    if (gone.length > 0) changes.push({ kind: 'revoke', on: { ...on, name: oldName }, role, privileges: gone });
  }
  for (const [role, privileges] of has) {
    const added = [...privileges].filter((p) => !had.get(role)?.has(p));
    if (added.length > 0) changes.push({ kind: 'grant', on, role, privileges: added });
  }
  return changes;
}

// ---------------------------------------------------------------------------- views

/** What the other changes do to relations and routines that a view may read. */
interface Disturbed {
  /** table (new name) → its columns whose type or existence changes; null: the whole table goes. */
  readonly tables: Map<string, Set<string> | null>;
  readonly routines: ReadonlySet<string>;
}

function disturbedBy(changes: readonly Change[], recreated: ReadonlySet<string>, serverMajor: number): Disturbed {
  const tables = new Map<string, Set<string> | null>();
  const touch = (table: string, column: string | null) => {
    if (tables.get(table) === null) return;
    if (column === null) tables.set(table, null);
    else tables.set(table, new Set([...(tables.get(table) ?? []), column]));
  };
  for (const c of changes) {
    switch (c.kind) {
      case 'alter_column':
        // Postgres refuses to change the type of a column a view reads, or to drop it; a default or NOT NULL is fine.
        if (
          c.from.type !== c.to.type ||
          c.from.collation !== c.to.collation ||
          recreatesColumn(c.from, c.to, serverMajor) ||
          recreatesColumn(c.to, c.from, serverMajor)
        ) {
          touch(c.table, c.to.name);
        }
        break;
      case 'drop_column':
        touch(c.table, c.column.name);
        break;
      case 'drop_table':
        touch(c.table.name, null);
        break;
      case 'recreate_enum':
      case 'recreate_collation':
        for (const u of c.usages) touch(u.table, u.column);
        break;
      default:
        break;
    }
  }
  return { tables, routines: recreated };
}

/** True when a view (as defined on the from side) reads something the other changes disturb. */
function reads(view: View, d: Disturbed, oldName: (table: string) => string): boolean {
  for (const [table, columns] of d.tables) {
    if (!mentions(view.definition, table) && !mentions(view.definition, oldName(table))) continue;
    if (columns === null || [...columns].some((c) => mentions(view.definition, c))) return true;
  }
  return [...d.routines].some((r) => mentions(view.definition, r));
}

const viewDefinition = ({ comment: _c, indexes: _i, grants: _g, ...rest }: View) => rest;

/**
 * Views to create, drop and rebuild. A view whose definition changes is dropped and created
 * again (CREATE OR REPLACE cannot drop or retype a column), and so is every view that reads
 * it; so is a view that reads a column whose type changes or that goes, a table that goes,
 * or a routine that is dropped: Postgres refuses those changes while the view exists. The
 * rebuilt views are dropped before the other changes and created after them. Indexes of a
 * materialized view that stays are diffed like a table's.
 */
export function diffViews(
  from: Model,
  to: Model,
  others: readonly Change[],
  recreated: ReadonlySet<string>,
  renames: Renames,
  { serverMajor }: DiffOptions,
): Change[] {
  const m = matchByName(from.views, to.views);
  const rebuild = new Set<string>();
  const oldNames = new Map([...renames.tables].map(([a, b]) => [b, a]));
  const disturbed = disturbedBy(others, recreated, serverMajor);
  for (const [a, b] of m.pairs) {
    if (stableKey(viewDefinition(a)) !== stableKey(viewDefinition(b))) rebuild.add(b.name);
    else if (reads(a, disturbed, (t) => oldNames.get(t) ?? t)) rebuild.add(b.name);
  }
  // Whatever reads a view that goes or is rebuilt goes with it.
  const gone = new Set([...rebuild, ...m.removed.map((v) => v.name)]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [a, b] of m.pairs) {
      if (rebuild.has(b.name)) continue;
      if ([...gone].some((g) => mentions(a.definition, g))) {
        rebuild.add(b.name);
        gone.add(b.name);
        grew = true;
      }
    }
  }
  const fromDepth = depths(from.views, (v) => v.definition);
  const toDepth = depths(to.views, (v) => v.definition);
  const changes: Change[] = [];
  const drop = (view: View) => changes.push({ kind: 'drop_view', view, depth: fromDepth.get(view.name) ?? 0 });
  const create = (view: View) => changes.push({ kind: 'create_view', view, depth: toDepth.get(view.name) ?? 0 });
  for (const v of m.removed) drop(v);
  for (const v of m.added) create(v);
  for (const [a, b] of m.pairs) {
    if (rebuild.has(b.name)) {
      drop(a);
      create(b);
      continue;
    }
    changes.push(
      ...diffGrants({ kind: b.materialized ? 'materialized view' : 'view', name: b.name }, a.name, a.grants, b.grants),
    );
    if (a.comment !== b.comment) {
      changes.push({
        kind: 'set_comment',
        target: { kind: 'view', name: b.name, materialized: b.materialized },
        from: a.comment,
        to: b.comment,
      });
    }
    const indexes = matchByName(
      a.indexes as readonly (View['indexes'][number] & { name: string })[],
      b.indexes as readonly (View['indexes'][number] & { name: string })[],
    );
    const same = (x: object, y: object) =>
      stableKey({ ...x, concurrently: undefined }) === stableKey({ ...y, concurrently: undefined });
    for (const i of indexes.removed) changes.push({ kind: 'drop_index', table: b.name, index: i });
    for (const [x, y] of indexes.pairs) {
      if (same(x, y)) continue;
      changes.push({ kind: 'drop_index', table: b.name, index: x });
      changes.push({ kind: 'create_index', table: b.name, index: y });
    }
    for (const i of indexes.added) changes.push({ kind: 'create_index', table: b.name, index: i });
  }
  return changes;
}

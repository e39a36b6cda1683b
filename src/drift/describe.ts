import type { Change } from '../model/changes.js';
import { stableKey } from '../model/compare.js';
import { touchedObject } from '../model/touched-object.js';
import { constraintText, describeChange, objectLabel } from './describe-change.js';
import type { Difference } from './types.js';

type Dropped = Extract<Change, { kind: 'drop_constraint' | 'drop_index' }>;
type Added = Extract<Change, { kind: 'add_constraint' | 'create_index' }>;

/** A dropped and an added constraint or index pair up when they touch one object. */
const pairKey = (c: Dropped | Added): string => stableKey(touchedObject(c));

const definitionOf = (c: Dropped | Added): string => {
  if ('constraint' in c) return stableKey({ ...c.constraint, name: null });
  const { concurrently: _c, ...index } = c.index;
  return stableKey({ ...index, name: null });
};

/**
 * The differences that `changes` (from the live schema to its expected state) repair, one
 * per object, sorted by object. A constraint or index dropped and added under one name is
 * one `changed` difference; one dropped and added unchanged (the planner releases foreign
 * keys around a rebuilt key) is no difference at all.
 *
 * @example
 * describeDrift(diff(live, expected)); // [{ kind: 'missing', object: 'index x_idx', message: 'missing index x_idx on x', ... }]
 */
export function describeDrift(changes: readonly Change[]): Difference[] {
  const drops = new Map<string, Dropped>();
  const adds = new Map<string, Added>();
  for (const c of changes) {
    if (c.kind === 'drop_constraint' || c.kind === 'drop_index') drops.set(pairKey(c), c);
    if (c.kind === 'add_constraint' || c.kind === 'create_index') adds.set(pairKey(c), c);
  }
  const out: Difference[] = [];
  for (const c of changes) {
    if (c.kind === 'add_constraint' || c.kind === 'create_index') {
      if (drops.has(pairKey(c))) continue;
    } else if (c.kind === 'drop_constraint' || c.kind === 'drop_index') {
      const add = adds.get(pairKey(c));
      if (add) {
        if (definitionOf(c) !== definitionOf(add)) out.push(describePair(c, add));
        continue;
      }
    }
    out.push(describeChange(c));
  }
  return out.sort((a, b) => (a.object < b.object ? -1 : a.object > b.object ? 1 : a.message < b.message ? -1 : 1));
}

function describePair(live: Dropped, expected: Added): Difference {
  if (live.kind === 'drop_constraint' && expected.kind === 'add_constraint') {
    const what = touchedObject(live).kind;
    const message = `${what} ${live.constraint.name} on ${live.table} differs: ${constraintText(live.constraint)} (expected ${constraintText(expected.constraint)})`;
    return { kind: 'changed', object: objectLabel(live), message, repair: live.kind };
  }
  const name = live.kind === 'drop_index' ? live.index.name : '';
  return {
    kind: 'changed',
    object: objectLabel(live),
    message: `index ${name} on ${live.table} differs`,
    repair: live.kind,
  };
}

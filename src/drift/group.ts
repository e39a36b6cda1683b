import type { RecordedMigration } from '../fleet/history.js';
import { stableKey } from '../model/compare.js';
import type { Scope } from '../model/types.js';
import type { Outcome } from './compare.js';
import type { HistoryFinding } from './types.js';

/**
 * What makes schemas compare alike, so that one comparison serves them all: the scope, the
 * expected state (and the one with the pending migrations applied too) and the catalog.
 */
export interface CompareKey {
  readonly scope: Scope;
  readonly expected: string;
  readonly withPending: string | null;
  /** The schema's catalog fingerprint (null: none was read). */
  readonly fingerprint: string | null;
}

/** What makes drifted schemas one group: the same changes, history drift and migrations to record. */
export interface DriftKey {
  readonly scope: Scope;
  /** `Outcome.key`: the set of changes. */
  readonly changes: string;
  readonly history: readonly HistoryFinding[];
  readonly record: readonly RecordedMigration[];
}

/** A key as a `Map` key: equal for equal keys, whatever their parts hold. */
export const keyString = (key: CompareKey | DriftKey): string => stableKey(key);

/** One drifted schema, as `groupDrifted` takes it. */
export interface Drifted {
  readonly schema: string;
  readonly scope: Scope;
  readonly exists: boolean;
  readonly outcome: Outcome;
  /** The schema's history drift (not information such as pending migrations). */
  readonly history: readonly HistoryFinding[];
}

/** Schemas that drift alike, in the order they were given. */
export interface Group {
  readonly scope: Scope;
  readonly schemas: string[];
  readonly exists: boolean[];
  readonly outcome: Outcome;
  readonly history: readonly HistoryFinding[];
}

/**
 * The drifted schemas (null: a schema that does not drift) grouped by `DriftKey`, largest
 * group first and, among equals, by their first schema's name; with each schema's group
 * (its index in `groups`, or null).
 *
 * @example
 * groupDrifted([a, null, b]); // { groups: [{ schemas: ['a', 'b'], ... }], groupOf: [0, null, 0] } when a and b drift alike
 */
export function groupDrifted(schemas: ReadonlyArray<Drifted | null>): {
  groups: Group[];
  groupOf: Array<number | null>;
} {
  const groups = new Map<string, Group>();
  const keys = schemas.map((s) => {
    if (s === null) return null;
    const key = keyString({
      scope: s.scope,
      changes: s.outcome.key,
      history: s.history,
      record: s.outcome.record,
    } satisfies DriftKey);
    const g = groups.get(key);
    if (g) {
      g.schemas.push(s.schema);
      g.exists.push(s.exists);
    } else {
      groups.set(key, {
        scope: s.scope,
        schemas: [s.schema],
        exists: [s.exists],
        outcome: s.outcome,
        history: s.history,
      });
    }
    return key;
  });
  // Largest group first; among equals, the first schema's name decides.
  const ordered = [...groups.entries()].sort(
    ([, a], [, b]) => b.schemas.length - a.schemas.length || (a.schemas[0] < b.schemas[0] ? -1 : 1),
  );
  const index = new Map(ordered.map(([key], i) => [key, i]));
  return {
    groups: ordered.map(([, g]) => g),
    groupOf: keys.map((key) => (key === null ? null : index.get(key)!)),
  };
}

import { hazard } from './render/rendered.js';
import type { Hazard, Plan, PlannedChange, Statement } from './types.js';

/** A statement of a plan's up steps (0-based step and statement) after which Postgres had copied `table`. */
export interface DetectedRewrite {
  readonly step: number;
  readonly statement: number;
  readonly table: string;
  /** Set when only this index of `table` was rebuilt (the table was not copied). */
  readonly index?: string;
}

/** A rule's `rewrites_table` that the catalog overrules (all but those it cannot see). */
const overruled = (h: Hazard) => h.kind === 'rewrites_table' && !h.ruleOnly;

/**
 * The plan with its `rewrites_table` hazards as the dev database's catalog showed them when
 * the migration was verified: the planner's rule-based ones are a first guess (all that
 * `generate --check` and drift's SQL have), and here the catalog decides both ways, so a
 * varchar widened or a numeric given more digits loses the label and a column added with a
 * volatile default gains it. An index that a statement rebuilt without copying its table
 * (a collation change) gets `blocks_reads`. The statements keep their SQL: only the
 * comments change.
 *
 * Returns null when the positions do not match the plan's steps (then the rule stands).
 */
export function withDetectedRewrites(plan: Plan, rewrites: readonly DetectedRewrite[]): Plan | null {
  const at = new Map<Statement, string[]>();
  const rebuilt = new Map<Statement, Hazard[]>();
  for (const r of rewrites) {
    const st = plan.steps.up[r.step]?.statements[r.statement];
    if (!st) return null;
    if (r.index === undefined) at.set(st, [...new Set([...(at.get(st) ?? []), r.table])]);
    else {
      const message = `rebuilds index ${r.index} of ${r.table} under an ACCESS EXCLUSIVE lock (seen in the dev database's catalog): reads and writes of ${r.table} wait for the build`;
      rebuilt.set(st, [...(rebuilt.get(st) ?? []), hazard('blocks_reads', r.index, message)]);
    }
  }
  const owner = new Map<Statement, PlannedChange>();
  for (const c of plan.changes) for (const s of c.stages) for (const st of s.up) owner.set(st, c);
  const gained = new Map<PlannedChange, Hazard[]>();
  const replaced = new Map<Statement, Statement>();
  for (const step of plan.steps.up) {
    for (const st of step.statements) {
      const kept = (st.hazards ?? []).filter((h) => !overruled(h));
      // A rule-only label already says it (a dev database whose TimeZone is not UTC copies too).
      const tables = kept.some((h) => h.kind === 'rewrites_table') ? [] : (at.get(st) ?? []);
      const indexes = rebuilt.get(st) ?? [];
      if (tables.length === 0 && indexes.length === 0 && kept.length === (st.hazards ?? []).length) continue;
      const change = owner.get(st);
      // The rule's message says why (the types, the expression) when it guessed right.
      const guess = change?.hazards.find(overruled);
      const copies = tables.map((table) =>
        hazard(
          'rewrites_table',
          table,
          guess && tables.length === 1
            ? guess.message
            : `rewrites ${table} (seen in the dev database's catalog): Postgres copies it under an ACCESS EXCLUSIVE lock, blocking reads and writes for the copy's length`,
        ),
      );
      const found = [...copies, ...indexes];
      replaced.set(st, { ...st, hazards: [...kept, ...found] });
      if (change && found.length > 0) gained.set(change, [...(gained.get(change) ?? []), ...found]);
    }
  }
  const swap = (st: Statement) => replaced.get(st) ?? st;
  const changes = plan.changes.map((c) => ({
    ...c,
    up: c.up.map(swap),
    hazards: [...c.hazards.filter((h) => !overruled(h)), ...(gained.get(c) ?? [])],
    stages: c.stages.map((s) => ({ ...s, up: s.up.map(swap) })),
  }));
  return {
    ...plan,
    changes,
    up: plan.up.map(swap),
    hazards: changes.flatMap((c) => c.hazards),
    steps: {
      up: plan.steps.up.map((s) => ({ ...s, statements: s.statements.map(swap) })),
      down: plan.steps.down,
    },
  };
}

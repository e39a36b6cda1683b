import type { PlanStep, Stage, Statement } from './types.js';

/** A stage that can share a transaction with its neighbours, both ways. */
const mergeable = (s: Stage): boolean => [...s.up, ...s.down].every((st) => st.transactional && !st.alone);

/**
 * Statements as steps: a run of transactional statements is one step; a statement that
 * must stand alone (a VALIDATE) and each non-transactional one (a concurrent build, which
 * Postgres refuses in a transaction block) are a step each.
 */
export function statementSteps(statements: readonly Statement[]): PlanStep[] {
  const steps: { transactional: boolean; statements: Statement[] }[] = [];
  let run: Statement[] | null = null;
  for (const st of statements) {
    if (st.transactional && !st.alone) {
      if (!run) {
        run = [];
        steps.push({ transactional: true, statements: run });
      }
      run.push(st);
    } else {
      run = null;
      steps.push({ transactional: st.transactional, statements: [st] });
    }
  }
  return steps;
}

/**
 * The steps of a migration from its stages in plan order. Neighbouring stages that can
 * share a transaction do; the others stand apart. Each down step says which up step it
 * undoes, and the down steps run in the opposite order: a schema that finished up steps
 * 1..k is rolled back by the down steps of k..1, whatever k is.
 */
export function planSteps(stages: readonly Stage[]): { up: PlanStep[]; down: PlanStep[] } {
  const groups: { up: PlanStep[]; stages: Stage[] }[] = [];
  let open: { up: PlanStep[]; stages: Stage[] } | null = null;
  for (const stage of stages) {
    if (stage.up.length === 0 && stage.down.length === 0) continue;
    if (mergeable(stage) && stage.up.length > 0) {
      if (!open) {
        open = { up: [{ transactional: true, statements: [] }], stages: [] };
        groups.push(open);
      }
      (open.up[0].statements as Statement[]).push(...stage.up);
      open.stages.push(stage);
      continue;
    }
    open = null;
    // A stage without up statements (nothing to run) still undoes something: it joins the group before it.
    if (stage.up.length === 0 && groups.length > 0) {
      groups[groups.length - 1].stages.push(stage);
      continue;
    }
    groups.push({ up: statementSteps(stage.up), stages: [stage] });
  }
  const up: PlanStep[] = [];
  const down: PlanStep[] = [];
  for (const g of groups) {
    // A group's down steps undo its first up step: from a schema that finished any of a
    // group's steps, they run (and are written to be safe then, e.g. DROP INDEX IF EXISTS).
    const undoes = up.length + 1;
    up.push(...g.up);
    const statements = [...g.stages].reverse().flatMap((s) => s.down);
    down.unshift(...statementSteps(statements).map((s) => ({ ...s, undoes })));
  }
  return { up, down };
}

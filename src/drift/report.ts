import { SET_EXPRESSION_SINCE } from '../plan/server-features.js';
import type { Entry } from './compare.js';
import { withHeader } from './definitions.js';
import { groupFixSql } from './fix-sql.js';
import { type Drifted, groupDrifted } from './group.js';
import { DRIFT_HISTORY_KINDS, type DriftGroup, type DriftResult, type SchemaDrift } from './types.js';

export interface ReportOptions {
  readonly sharedSchema: string;
  readonly fixSql?: boolean;
  /** The live server's major, which the fix SQL is planned for (default 17). */
  readonly serverMajor?: number;
}

/** Entries (in target order) as the result: each drifted schema in the group of those that drift alike. */
export function driftReport(
  entries: readonly Entry[],
  options: ReportOptions,
  stats: DriftResult['stats'],
): Omit<DriftResult, 'against' | 'invalidNames'> {
  const drifts: Array<Drifted | null> = [];
  const schemas = entries.map(({ target: t, expectation: e, exists, outcome }) => {
    const history = outcome.found.length > 0 ? [...e.history, ...outcome.found] : e.history;
    const driftHistory = history.filter((h) => DRIFT_HISTORY_KINDS.has(h.kind));
    const drifted = outcome.changes.length > 0 || driftHistory.length > 0;
    drifts.push(drifted ? { schema: t.schema, scope: t.scope, exists, outcome, history: driftHistory } : null);
    return {
      schema: t.schema,
      scope: t.scope,
      exists,
      drifted,
      expected: e.label,
      differences: outcome.differences,
      history,
      pending: e.pending,
    };
  });
  const { groups, groupOf } = groupDrifted(drifts);
  const driftGroups: DriftGroup[] = groups.map((g) => ({
    scope: g.scope,
    count: g.schemas.length,
    schemas: g.schemas,
    differences: g.outcome.differences,
    history: g.history,
    diff: withHeader(g.schemas[0], g.outcome.diff),
    ...(options.fixSql
      ? { fixSql: groupFixSql(g, options.sharedSchema, options.serverMajor ?? SET_EXPRESSION_SINCE) }
      : {}),
  }));
  const withGroups: SchemaDrift[] = schemas.map((s, i) => ({ ...s, group: groupOf[i] }));
  const drifted = withGroups.filter((s) => s.drifted).length;
  return {
    clean: drifted === 0,
    summary: {
      schemas: withGroups.length,
      clean: withGroups.length - drifted,
      drifted,
      groups: driftGroups.length,
      pending: withGroups.filter((s) => s.pending.length > 0).length,
      missing: withGroups.filter((s) => !s.exists).length,
    },
    groups: driftGroups,
    schemas: withGroups,
    stats,
  };
}

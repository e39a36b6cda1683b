import { type RecordedMigration, recordAppliedSql } from '../fleet/history.js';
import type { Scope } from '../model/types.js';
import { plan } from '../plan/plan.js';
import { ident } from '../plan/quote.js';
import { SET_EXPRESSION_SINCE } from '../plan/server-features.js';
import type { Plan } from '../plan/types.js';
import type { Group } from './group.js';

/** What repairs one group of schemas: the same for each of them, apart from the schema name. */
export interface Repair {
  readonly scope: Scope;
  readonly sharedSchema: string;
  /** The plan of the group's changes, or why there is none. */
  readonly plan: Plan | { readonly error: string };
  /** Migrations whose changes the schemas have, to record as applied in the history. */
  readonly record: readonly RecordedMigration[];
  /** Findings SQL cannot repair, said as comments (a migration missing from the directory). */
  readonly notes: readonly string[];
  /** Lines that say what is repaired, as comments above each schema's SQL. */
  readonly summary: readonly string[];
}

const comment = (text: string) =>
  text
    .split('\n')
    .map((line) => `-- ${line}`)
    .join('\n');

/**
 * SQL that brings `schema` back to its expected state, for a human to review and run (with
 * psql, or statement by statement). The search path is set as migrations run (the schema,
 * then the shared schema), local to each transaction. Statements that may run in a transaction run in one,
 * with the history rows to record; the others (concurrent index builds) run between.
 * Hazards are comments above their statements.
 *
 * @example
 * fixSql('tenant_a', exists, repair);
 * // -- tenant_a (tenant)
 * // BEGIN;
 * // SET LOCAL search_path = tenant_a, public;
 * // CREATE INDEX ...;
 * // COMMIT;
 */
export function fixSql(schema: string, exists: boolean, repair: Repair): string {
  const out = [comment(`${schema} (${repair.scope})`)];
  for (const line of repair.summary) out.push(comment(`  ${line}`));
  for (const note of repair.notes) out.push(comment(`not repaired: ${note}`));
  if ('error' in repair.plan) {
    out.push(comment(`no repair SQL: ${repair.plan.error}`));
    return `${out.join('\n')}\n`;
  }
  const steps = repair.plan.changes;
  if (steps.length === 0 && repair.record.length === 0) return `${out.join('\n')}\n`;
  // A schema that is gone is created empty, so its objects have somewhere to go.
  if (!exists) out.push(`CREATE SCHEMA ${ident(schema)};`);
  const path = repair.scope === 'shared' ? [schema] : [schema, repair.sharedSchema];
  // Transaction-local (SET LOCAL), so the script is safe through a transaction-mode pooler:
  // a plain SET would stay on a pooled server connection for the next client.
  const searchPath = `${path.map(ident).join(', ')}`;
  let open = false;
  const begin = () => {
    if (!open) out.push('BEGIN;', `SET LOCAL search_path = ${searchPath};`);
    open = true;
  };
  const commit = () => {
    if (open) out.push('COMMIT;');
    open = false;
  };
  for (const step of steps) {
    step.up.forEach((statement, i) => {
      if (statement.transactional) begin();
      else commit();
      if (i === 0) for (const h of step.hazards) out.push(`-- hazard ${h.kind}: ${h.message}`);
      if (statement.transactional) out.push(`${statement.sql};`);
      else {
        // Cannot run in a transaction: a session setting, reset at once; needs a real session (not a pooler).
        out.push(
          '-- runs outside a transaction: run this part on a direct connection, not through a transaction-mode pooler',
        );
        out.push(`SET search_path = ${searchPath};`, `${statement.sql};`, 'RESET search_path;');
      }
    });
  }
  if (repair.record.length > 0) {
    begin();
    out.push('-- record in the history the migrations whose changes the schema already has');
    for (const m of repair.record) out.push(`${recordAppliedSql(schema, m)};`);
  }
  commit();
  return `${out.join('\n')}\n`;
}

/** `fixSql` for every schema of a group, planned once for the group's changes. */
export function groupFixSql(g: Group, sharedSchema: string, serverMajor: number): string {
  let repairPlan: Repair['plan'];
  // Below 17 a changed generation expression means rebuilding the column with what depends
  // on it, which these changes (made for describing) do not hold: `pgfleet diff` plans that.
  const expression = g.outcome.changes.find(
    (c) =>
      c.kind === 'alter_column' &&
      c.from.generated !== null &&
      c.to.generated !== null &&
      c.from.generated !== c.to.generated,
  );
  try {
    if (expression?.kind === 'alter_column' && serverMajor < SET_EXPRESSION_SINCE) {
      throw new Error(
        `the generation expression of ${expression.table}.${expression.to.name} differs, which Postgres ${serverMajor} cannot change in place: ` +
          'get the SQL that rebuilds the column from `pgfleet diff --schema <schema>`',
      );
    }
    repairPlan = plan(g.outcome.changes, { scope: g.scope, sharedSchema, serverMajor });
  } catch (cause) {
    repairPlan = { error: (cause as Error).message };
  }
  const repair: Repair = {
    scope: g.scope,
    sharedSchema,
    plan: repairPlan,
    record: g.outcome.record,
    notes: g.history.filter((h) => h.kind !== 'missing_history').map((h) => h.message),
    summary: [
      ...g.outcome.differences.map((d) => d.message),
      ...g.history.filter((h) => h.kind === 'missing_history').map((h) => h.message),
    ],
  };
  return g.schemas.map((schema, i) => fixSql(schema, g.exists[i], repair)).join('\n');
}

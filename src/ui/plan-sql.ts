import type { Plan, Statement } from '../plan/types.js';

/**
 * A plan as SQL that can be piped to psql: each statement ends with `;`, its hazards are
 * SQL comments above it, and a statement that cannot run in a transaction says so.
 */
export function planSql(plan: Plan, direction: 'up' | 'down' = 'up'): string {
  const out: string[] = [];
  const steps = direction === 'up' ? plan.changes : [...plan.changes].reverse();
  for (const step of steps) {
    const statements: readonly Statement[] = direction === 'up' ? step.up : step.down;
    if (direction === 'up') for (const h of step.hazards) out.push(`-- hazard ${h.kind}: ${h.message}`);
    if (direction === 'down' && step.downCaveat) out.push(`-- not exact: ${step.downCaveat}`);
    for (const s of statements) {
      if (!s.transactional) out.push('-- runs outside a transaction');
      out.push(`${s.sql};`);
    }
  }
  return out.length > 0 ? `${out.join('\n')}\n` : '';
}

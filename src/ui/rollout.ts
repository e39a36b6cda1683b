import type { MigrateResult } from '../api/fleet.js';
import type { WaveReport } from '../fleet/rollout.js';

const firstNames = (w: WaveReport) =>
  w.tenants === 0
    ? 'no tenants'
    : `${w.first.join(', ')}${w.tenants > w.first.length ? `, … (${w.tenants - w.first.length} more)` : ''}`;

const where = (w: WaveReport) => (w.database ? ` on ${w.database}` : '');

/** `--plan` with waves: each wave, its tenants (count and first names) and what they would run. */
export function rolloutPlan(r: MigrateResult): string {
  const lines: string[] = [];
  const shared = r.plan.find((p) => p.scope === 'shared');
  if (shared) lines.push(`shared schema ${shared.schema}: ${shared.migrations.join(', ') || '(nothing)'}`);
  for (const w of r.rollout?.waves ?? []) {
    const note = w.status === 'not in this run' ? ' — not in this run (--wave)' : '';
    lines.push(`wave ${w.name}${where(w)}: ${w.tenants} tenant${w.tenants === 1 ? '' : 's'} (${firstNames(w)})${note}`);
    for (const g of w.work) lines.push(`  ${g.tenants}: ${g.migrations.join(', ') || '(nothing)'}`);
    if (w.absent.length > 0) lines.push(`  ! not in the fleet: ${w.absent.join(', ')}`);
  }
  return lines.join('\n');
}

/** After a run with waves: a line per wave, then why the run stopped early and how to go on. */
export function rolloutSummary(r: MigrateResult): string {
  const ro = r.rollout;
  if (!ro) return '';
  const lines = ro.waves.map((w) => {
    const counts =
      w.status === 'not run' || w.status === 'not in this run'
        ? w.status
        : `${w.applied} migrated${w.failed ? `, ${w.failed} failed` : ''}`;
    const budget = w.allowance !== null && w.failed > 0 ? ` (budget ${w.allowance})` : '';
    const state =
      w.status === 'halted' || w.status === 'paused' || w.status === 'preflight failed' ? ` — ${w.status}` : '';
    return `wave ${w.name}${where(w)}: ${w.tenants} tenant${w.tenants === 1 ? '' : 's'}, ${counts}${budget}${state}`;
  });
  if (ro.halted) {
    lines.push(
      `rollout halted at wave ${ro.halted.wave}: ${ro.halted.reason}; later waves were not touched`,
      `  failed: ${ro.halted.failed.join(', ')}`,
    );
  }
  if (ro.paused) {
    lines.push(
      `paused after wave ${ro.paused.wave} (pause: true); run \`pgfleet migrate\` again to continue with wave ${ro.paused.next}`,
    );
  }
  return lines.join('\n');
}

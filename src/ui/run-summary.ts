import type { RunResult } from '../fleet/index.js';

/** The end of a migrate or rollback run: counts, then every failed schema with its migration and error. */
export function runSummary(r: RunResult): string {
  const s = r.summary;
  const verb = r.direction === 'up' ? 'migrated' : 'rolled back';
  const lines = [
    `${s.schemas} schemas: ${s.applied} ${verb}, ${s.upToDate} ${r.direction === 'up' ? 'already up to date' : 'with nothing to roll back'}` +
      `${s.failed ? `, ${s.failed} failed` : ''}${s.locked ? `, ${s.locked} locked by another run` : ''}${s.skipped ? `, ${s.skipped} skipped` : ''}`,
  ];
  for (const f of r.results.filter((x) => x.status === 'failed' || x.status === 'locked')) {
    lines.push(
      `  ✗ ${f.database ? `${f.database} ` : ''}${f.schema}${f.error?.migration ? ` at ${f.error.migration}` : ''}: ${f.error?.message ?? f.status}`,
    );
  }
  for (const bad of s.invalidNames) lines.push(`  ! tenant name ${JSON.stringify(bad.name)} skipped: ${bad.problem}`);
  return lines.join('\n');
}

/** `--plan`: what each schema would run, schemas with the same work grouped. */
export function runPlan(r: RunResult): string {
  const groups = new Map<string, string[]>();
  for (const p of r.plan) {
    const key = p.migrations.join(', ') || '(nothing)';
    groups.set(key, [...(groups.get(key) ?? []), p.schema]);
  }
  const lines: string[] = [];
  for (const [work, schemas] of groups) {
    const shown = schemas.slice(0, 10).join(', ') + (schemas.length > 10 ? `, … (${schemas.length - 10} more)` : '');
    lines.push(`${schemas.length} schema(s): ${work}\n  ${shown}`);
  }
  return lines.join('\n');
}

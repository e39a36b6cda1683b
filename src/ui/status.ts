import type { FleetStatus, SchemaStatus } from '../fleet/index.js';

/** One schema, like showmigrations: `[X]` applied, `[ ]` pending. */
export function schemaStatusText(s: SchemaStatus): string {
  const lines = [`${s.schema} (${s.scope})${s.exists ? '' : ' — schema does not exist'}`];
  for (const id of s.applied) lines.push(` [X] ${id}`);
  for (const id of s.pending) {
    const inside = s.inside?.migration === id ? ` [${s.inside.stepsDone}/${s.inside.steps} steps done]` : '';
    lines.push(
      ` [${inside ? '~' : ' '}] ${id}${inside}${s.failed?.migration === id ? `  FAILED: ${s.failed.error}` : ''}`,
    );
  }
  for (const id of s.unknown) lines.push(` [?] ${id}  applied, but not in the migration directory`);
  for (const p of s.problems) lines.push(` ! ${p}`);
  return lines.join('\n');
}

/** The fleet in a few lines: "812 tenants at 0007, 3 at 0006, 1 failed at 0007: ...". */
export function fleetStatusText(f: FleetStatus): string {
  const lines: string[] = [];
  if (f.shared) {
    const s = f.shared;
    lines.push(
      `shared ${s.schema}: at ${s.version ?? 'nothing'} (latest ${f.latest.shared ?? 'none'}), ${s.pending.length} pending${s.failed ? `, failed at ${s.failed.migration}: ${s.failed.error}` : ''}`,
    );
  }
  lines.push(`${f.tenants.length} tenants (latest ${f.latest.tenant ?? 'none'}):`);
  for (const g of f.groups) {
    const where = g.version ? `at ${g.version}` : 'with nothing applied';
    const more = g.count > g.schemas.length ? `, … ${g.count - g.schemas.length} more` : '';
    const state = g.failed
      ? `failed at ${g.failed}${g.inside ? ` (inside ${g.inside})` : ''}`
      : g.inside
        ? `inside ${g.inside}, ${g.pending} pending`
        : g.pending > 0
          ? `${g.pending} pending`
          : 'up to date';
    lines.push(`  ${g.count} ${where}, ${state}: ${g.schemas.join(', ')}${more}`);
  }
  for (const t of f.tenants.filter((x) => x.problems.length > 0 || x.unknown.length > 0)) {
    for (const p of t.problems) lines.push(`  ! ${p}`);
    for (const u of t.unknown) lines.push(`  ? ${t.schema} applied ${u}, which is not in the migration directory`);
  }
  for (const bad of f.invalidNames) lines.push(`  ! tenant name ${JSON.stringify(bad.name)} ignored: ${bad.problem}`);
  return lines.join('\n');
}

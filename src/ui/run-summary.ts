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
  for (const notice of r.notices ?? []) lines.push(`  ! ${notice}`);
  return lines.join('\n');
}

const KIND = { postgres: 'Postgres (a real session)', pgbouncer: 'PgBouncer', pooler: 'a connection pooler' } as const;
const STEPS = {
  none: '',
  directDatabase: 'non-transactional steps run on directDatabase',
  database: 'non-transactional steps run on this connection',
  pooled: 'non-transactional steps run through the pooler, each statement its own transaction',
} as const;

/** `--plan`'s first lines: what each database URL was taken to be, and where steps that need a session go. */
function connectionLines(r: RunResult): string[] {
  return (r.connection ?? []).flatMap((c) => [
    `connection: ${c.database} is ${KIND[c.kind]}, ${c.assumed} pooling assumed (${c.evidence})` +
      `${c.directDatabase ? `; directDatabase ${c.directDatabase}` : ''}${STEPS[c.nonTransactionalSteps] ? `; ${STEPS[c.nonTransactionalSteps]}` : ''}`,
    ...(c.wouldStop ? [`  ✗ would stop: ${c.wouldStop}`] : []),
  ]);
}

/** `--plan`: what each schema would run, schemas with the same work grouped. */
export function runPlan(r: RunResult): string {
  const groups = new Map<string, string[]>();
  for (const p of r.plan) {
    const key = p.migrations.join(', ') || '(nothing)';
    groups.set(key, [...(groups.get(key) ?? []), p.schema]);
  }
  const lines: string[] = connectionLines(r);
  for (const [work, schemas] of groups) {
    const shown = schemas.slice(0, 10).join(', ') + (schemas.length > 10 ? `, … (${schemas.length - 10} more)` : '');
    lines.push(`${schemas.length} schema(s): ${work}\n  ${shown}`);
  }
  return lines.join('\n');
}

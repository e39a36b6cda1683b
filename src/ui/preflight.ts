import type { PreflightResult } from '../fleet/preflight/run-preflight.js';

/** `migrate --preflight` for a human: every schema that would fail, then what could not be checked. */
export function preflightText(p: PreflightResult): string {
  const failing = new Set(p.failures.map((f) => f.schema));
  const lines = [
    `preflight: ${p.schemas} schema${p.schemas === 1 ? '' : 's'} with pending migrations, ${p.checks} data check${p.checks === 1 ? '' : 's'}: ${failing.size} would fail${p.errors.length ? `, ${p.errors.length} check(s) could not run` : ''} (${p.ms} ms)`,
  ];
  for (const f of p.failures) {
    lines.push(
      `  ✗ ${f.database ? `${f.database} ` : ''}${f.schema} at ${f.migration}: ${f.constraint} — ${f.rows} row${f.rows === 1 ? '' : 's'}${f.examples.length ? ` (e.g. ${f.examples.join(', ')})` : ''}`,
    );
  }
  for (const e of p.errors) lines.push(`  ? ${e.schema} at ${e.migration}: ${e.constraint} not checked: ${e.message}`);
  for (const u of p.unchecked) lines.push(`  not checked: ${u.migration}: ${u.statement} (${u.reason})`);
  return lines.join('\n');
}

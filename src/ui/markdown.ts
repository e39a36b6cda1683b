import type { MigrateResult } from '../api/fleet.js';
import type { DriftResult } from '../drift/types.js';
import type { PreflightResult } from '../fleet/preflight/run-preflight.js';

/**
 * Summaries for a pull-request comment or `$GITHUB_STEP_SUMMARY`: a table per wave or group,
 * long lists in collapsed `<details>`. Values that come from the database (tenant names,
 * example keys) are escaped so a name cannot break the table or inject markup.
 */
export const cell = (text: string): string => text.replace(/[\\`*_[\]<>|#]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');

const code = (text: string) => `\`${text.replaceAll('`', "'")}\``;

const details = (summary: string, items: readonly string[]) =>
  items.length === 0
    ? []
    : ['', `<details><summary>${summary}</summary>`, '', ...items.map((i) => `- ${cell(i)}`), '', '</details>'];

/** `migrate --plan --format markdown`. */
export function planMarkdown(r: MigrateResult): string {
  const out = ['## pgfleet migrate --plan', ''];
  const shared = r.plan.find((p) => p.scope === 'shared');
  if (shared)
    out.push(
      `**Shared schema** ${code(shared.schema)}: ${shared.migrations.map(code).join(', ') || 'nothing to run'}`,
      '',
    );
  const hazards = Object.entries(r.hazards ?? {});
  if (r.rollout) {
    out.push('| wave | tenants | first tenants | would run |', '|---|---:|---|---|');
    for (const w of r.rollout.waves) {
      const work = w.work.map((g) => `${g.tenants}× ${g.migrations.map(code).join(', ') || 'nothing'}`).join('<br>');
      const note = w.status === 'not in this run' ? ' (not in this run)' : '';
      out.push(`| ${cell(w.name)}${note} | ${w.tenants} | ${w.first.map(cell).join(', ')} | ${work || 'nothing'} |`);
    }
  } else {
    const groups = new Map<string, string[]>();
    for (const p of r.plan.filter((x) => x.scope === 'tenant')) {
      const key = p.migrations.join(', ');
      groups.set(key, [...(groups.get(key) ?? []), p.schema]);
    }
    out.push('| tenants | would run |', '|---:|---|');
    for (const [work, schemas] of groups)
      out.push(`| ${schemas.length} | ${work ? work.split(', ').map(code).join(', ') : 'nothing'} |`);
  }
  if (hazards.length > 0) {
    out.push('', '### Hazards', '');
    for (const [id, list] of hazards) for (const h of list) out.push(`- ${code(id)}: ${cell(h)}`);
  }
  for (const w of r.rollout?.waves ?? []) {
    out.push(
      ...details(
        `wave ${cell(w.name)}: ${w.tenants} tenants`,
        w.first.length < w.tenants ? [`${w.first.join(', ')}, … ${w.tenants - w.first.length} more`] : w.first,
      ),
    );
  }
  return `${out.join('\n')}\n`;
}

/** `migrate --preflight --format markdown`. */
export function preflightMarkdown(p: PreflightResult): string {
  const failing = new Set(p.failures.map((f) => f.schema));
  const out = [
    '## pgfleet preflight',
    '',
    failing.size === 0 && p.errors.length === 0
      ? `✅ ${p.schemas} schemas with pending migrations, ${p.checks} data checks: none would fail.`
      : `❌ ${failing.size} of ${p.schemas} schemas would fail${p.errors.length ? `; ${p.errors.length} checks could not run` : ''}.`,
  ];
  if (p.failures.length > 0) {
    out.push('', '| schema | migration | constraint | rows | examples |', '|---|---|---|---:|---|');
    for (const f of p.failures) {
      out.push(
        `| ${cell(f.schema)} | ${code(f.migration)} | ${cell(f.constraint)} | ${f.rows} | ${f.examples.map(cell).join(', ')} |`,
      );
    }
  }
  out.push(
    ...details(
      `${p.errors.length} check${p.errors.length === 1 ? '' : 's'} that could not run`,
      p.errors.map((e) => `${e.schema} ${e.migration} ${e.constraint}: ${e.message}`),
    ),
  );
  out.push(
    ...details(
      `${p.unchecked.length} statement${p.unchecked.length === 1 ? '' : 's'} not checked`,
      p.unchecked.map((u) => `${u.migration}: ${u.statement} (${u.reason})`),
    ),
  );
  return `${out.join('\n')}\n`;
}

/** `drift --format markdown`: a table of the groups, each group's diff collapsed. */
export function driftMarkdown(r: DriftResult): string {
  const s = r.summary;
  const out = [
    '## pgfleet drift',
    '',
    r.clean
      ? `✅ ${s.schemas} schemas, no drift.`
      : `❌ ${s.drifted} of ${s.schemas} schemas drift (${s.groups} way${s.groups === 1 ? '' : 's'}).`,
  ];
  if (r.groups.length > 0) {
    out.push('', '| schemas | what differs | first schemas |', '|---:|---|---|');
    for (const g of r.groups) {
      const what = [...g.differences.map((d) => d.message), ...g.history.map((h) => h.message)].map(cell).join('<br>');
      out.push(`| ${g.count} | ${what} | ${g.schemas.slice(0, 5).map(cell).join(', ')}${g.count > 5 ? ', …' : ''} |`);
    }
    for (const [i, g] of r.groups.entries()) {
      if (!g.diff) continue;
      out.push(
        '',
        `<details><summary>group ${i + 1}: ${g.count} schemas</summary>`,
        '',
        '```diff',
        g.diff.replaceAll('```', "'''").replace(/\n$/, ''),
        '```',
        '',
        '</details>',
      );
    }
  }
  const pending = r.schemas.filter((x) => x.pending.length > 0).length;
  if (pending > 0) out.push('', `ℹ️ ${pending} schemas have migrations pending (not drift).`);
  return `${out.join('\n')}\n`;
}

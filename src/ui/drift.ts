import type { DriftGroup, DriftResult } from '../drift/types.js';

const SHOWN_NAMES = 10;

const names = (schemas: readonly string[]): string =>
  schemas.slice(0, SHOWN_NAMES).join(', ') +
  (schemas.length > SHOWN_NAMES ? `, … (${schemas.length - SHOWN_NAMES} more)` : '');

const noun = (g: { scope: 'shared' | 'tenant'; count: number }) =>
  g.scope === 'shared' ? 'shared schema' : `${g.count} tenant${g.count === 1 ? '' : 's'}`;

const indent = (text: string, by: string) =>
  text
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => `${by}${line}`)
    .join('\n');

/** The first line of a group: "37 tenants missing index x_idx on x", or a count of its findings. */
function headline(g: DriftGroup): string {
  const findings = [
    ...g.differences.map((d) => ({ kind: d.kind, message: d.message })),
    ...g.history.map((h) => ({ kind: 'history', message: h.message })),
  ];
  if (findings.length !== 1) return `${noun(g)} with ${findings.length} differences`;
  const [f] = findings;
  if (f.kind === 'missing') return `${noun(g)} ${f.message}`;
  if (f.kind === 'extra') return `${noun(g)} with ${f.message}`;
  return `${noun(g)}: ${f.message}`;
}

function groupText(g: DriftGroup): string {
  const lines = [`✗ ${headline(g)}`];
  if (g.differences.length + g.history.length > 1) {
    for (const d of g.differences) lines.push(`    - ${d.message}`);
    for (const h of g.history) lines.push(`    - ${h.message}`);
  }
  lines.push(`    ${names(g.schemas)}`);
  if (g.diff) lines.push(indent(g.diff, '    '));
  return lines.join('\n');
}

/**
 * `pgfleet drift` for a human: a summary line, then each group of schemas that drift the
 * same way, with a unified diff of the expected and live definitions, then information
 * (pending migrations) that is not drift.
 */
export function driftText(r: DriftResult): string {
  const s = r.summary;
  const what = r.against === 'model' ? 'the model' : 'what their applied migrations produce';
  const lines = [
    `${s.schemas} schema${s.schemas === 1 ? '' : 's'} compared with ${what}: ${s.drifted} drifted${s.groups > 1 ? ` (${s.groups} ways)` : ''}, ${s.clean} clean`,
  ];
  for (const g of r.groups) lines.push('', groupText(g));
  const pending = r.schemas.filter((x) => x.pending.length > 0);
  if (pending.length > 0) {
    lines.push(
      '',
      `information: ${pending.length} schema${pending.length === 1 ? ' has' : 's have'} migrations pending (\`pgfleet migrate\` applies them): ${names(pending.map((x) => x.schema))}`,
    );
  }
  const failed = r.schemas.filter((x) => x.history.some((h) => h.kind === 'failed'));
  for (const f of failed.slice(0, SHOWN_NAMES)) {
    lines.push(`information: ${f.schema}: ${f.history.find((h) => h.kind === 'failed')?.message}`);
  }
  for (const bad of r.invalidNames)
    lines.push(`! tenant name ${JSON.stringify(bad.name)} not compared: ${bad.problem}`);
  if (!r.clean && r.groups.every((g) => g.fixSql === undefined)) {
    lines.push('', 'hint: `pgfleet drift --fix-sql` prints SQL that repairs each drifted schema, for review');
  }
  return lines.join('\n');
}

/** Every group's repair SQL, one after another: what `--fix-sql` prints. */
export function driftFixSql(r: DriftResult): string {
  const parts = r.groups.flatMap((g) => (g.fixSql ? [g.fixSql] : []));
  return parts.length === 0 ? '-- no drift: nothing to repair\n' : parts.join('\n');
}

import { formatMs } from '../timing.js';
import type { Row } from '../types.js';

export const ratioOf = (row: Row): number | null =>
  row.floor && row.floor.median > 0 ? row.time.median / row.floor.median : null;

export interface GoalCheck {
  readonly state: 'met' | 'missed' | 'elsewhere';
  readonly text: string;
}

/** Whether a row meets its goal; goals are judged only at the N they name. */
export function checkGoal(row: Row): GoalCheck | null {
  const g = row.goal;
  if (!g) return null;
  const at = g.at?.toLocaleString('en-US') ?? '';
  if (g.at !== null && row.tenants !== g.at)
    return { state: 'elsewhere', text: `(${g.text}${g.kind === 'ratio' ? ` at ${at}` : ''})` };
  if (g.kind === 'ratio') {
    const r = ratioOf(row);
    if (r === null) return null;
    return r <= g.max
      ? { state: 'met', text: `met: ${g.text}` }
      : { state: 'missed', text: `MISSED: ${g.text}, by ${(r - g.max).toFixed(2)}×` };
  }
  const ms = row.time.median;
  return ms < g.max
    ? { state: 'met', text: `met: ${g.text}` }
    : { state: 'missed', text: `MISSED: ${g.text}, by ${formatMs(ms - g.max)}` };
}

const n = (x: number | null) => (x === null ? '' : x.toLocaleString('en-US'));

/** The cells of one row, as the console table and the Markdown table show them. */
export function cells(row: Row): Record<string, string> {
  const ratio = ratioOf(row);
  const spread = row.time.runs > 1 ? `${formatMs(row.time.min)}–${formatMs(row.time.max)} (${row.time.runs})` : '1 run';
  return {
    figure: row.figure,
    N: n(row.tenants),
    who: row.who,
    median: formatMs(row.time.median),
    floor: row.floor ? formatMs(row.floor.median) : '—',
    ratio: ratio === null ? '—' : `${ratio.toFixed(2)}×`,
    spread,
    'peak RSS': row.rssMiB ? `${row.rssMiB} MiB` : '—',
    goal: checkGoal(row)?.text ?? '',
  };
}

export function textTable(rows: readonly Row[]): string {
  const data = rows.map(cells);
  const keys = Object.keys(data[0] ?? cells(rows[0]));
  const width = keys.map((k) => Math.max(k.length, ...data.map((r) => r[k].length)));
  const line = (c: string[]) =>
    c
      .map((x, i) => x.padEnd(width[i]))
      .join('  ')
      .trimEnd();
  return [line(keys), line(width.map((w) => '-'.repeat(w))), ...data.map((r) => line(keys.map((k) => r[k])))].join(
    '\n',
  );
}

export function markdownTable(rows: readonly Row[]): string {
  const data = rows.map(cells);
  const keys = Object.keys(data[0]);
  const esc = (s: string) => s.replaceAll('|', '\\|');
  return [
    `| ${keys.join(' | ')} |`,
    `|${keys.map((k) => (['median', 'floor', 'ratio', 'peak RSS', 'N'].includes(k) ? '---:' : '---')).join('|')}|`,
    ...data.map((r) => `| ${keys.map((k) => esc(r[k])).join(' | ')} |`),
  ].join('\n');
}

/** What each floor is, once per distinct text, numbered as the table refers to them. */
export function floorLegend(rows: readonly Row[]): string[] {
  const seen = new Map<string, string[]>();
  for (const r of rows) {
    if (!r.floorWhat) continue;
    const list = seen.get(r.floorWhat) ?? [];
    if (!list.includes(r.figure.replace(/ \(CLI\)$/, ''))) list.push(r.figure.replace(/ \(CLI\)$/, ''));
    seen.set(r.floorWhat, list);
  }
  return [...seen].map(([what, figures]) => `${figures.join('; ')}: ${what}`);
}

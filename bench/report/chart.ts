import type { Row } from '../types.js';

export interface Point {
  readonly n: number;
  readonly ms: number;
}

export interface Series {
  readonly label: string;
  readonly color: string;
  readonly dashed?: boolean;
  readonly points: readonly Point[];
}

export interface Panel {
  readonly title: string;
  readonly series: readonly Series[];
}

const esc = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** A round axis maximum and its ticks. */
function ticks(max: number): number[] {
  const raw = max / 4;
  const pow = 10 ** Math.floor(Math.log10(raw || 1));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? raw;
  return Array.from({ length: Math.ceil(max / step) + 1 }, (_, i) => +(i * step).toPrecision(6));
}

const fmt = (ms: number) =>
  ms === 0 ? '0' : ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3);

/** Panels side by side: time per tenant (y, ms) against the number of tenants (x, log scale). */
export function lineChart(title: string, subtitle: string, panels: readonly Panel[]): string {
  const W = 330;
  const H = 300;
  const m = { l: 56, r: 12, t: 72, b: 96 };
  const width = W * panels.length + 20;
  const height = H + 60;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="14" y="20" font-size="15" font-weight="600">${esc(title)}</text>`,
    `<text x="14" y="36" fill="#555">${esc(subtitle)}</text>`,
  ];
  panels.forEach((panel, pi) => {
    const x0 = 10 + pi * W;
    const pw = W - m.l - m.r;
    const ph = H - m.t - m.b + 40;
    const left = x0 + m.l;
    const top = m.t;
    const ns = [...new Set(panel.series.flatMap((s) => s.points.map((p) => p.n)))].sort((a, b) => a - b);
    const maxY = Math.max(...panel.series.flatMap((s) => s.points.map((p) => p.ms)), 0.001) * 1.1;
    const ys = ticks(maxY);
    const top_ = ys[ys.length - 1];
    const lo = Math.log10(ns[0] ?? 1);
    const hi = Math.log10(ns[ns.length - 1] ?? 10);
    const px = (n: number) => left + (hi === lo ? pw / 2 : ((Math.log10(n) - lo) / (hi - lo)) * pw);
    const py = (ms: number) => top + ph - (ms / top_) * ph;
    out.push(`<text x="${left}" y="${top - 8}" font-size="12" font-weight="600">${esc(panel.title)}</text>`);
    for (const y of ys) {
      out.push(
        `<line x1="${left}" x2="${left + pw}" y1="${py(y).toFixed(1)}" y2="${py(y).toFixed(1)}" stroke="#e5e5e5"/>`,
      );
      out.push(`<text x="${left - 6}" y="${(py(y) + 4).toFixed(1)}" text-anchor="end" fill="#555">${fmt(y)}</text>`);
    }
    for (const n of ns) {
      out.push(
        `<line x1="${px(n).toFixed(1)}" x2="${px(n).toFixed(1)}" y1="${top}" y2="${top + ph}" stroke="#f0f0f0"/>`,
      );
      out.push(
        `<text x="${px(n).toFixed(1)}" y="${top + ph + 15}" text-anchor="middle" fill="#555">${n.toLocaleString('en-US')}</text>`,
      );
    }
    out.push(
      `<text x="${left + pw / 2}" y="${top + ph + 30}" text-anchor="middle" fill="#333">tenants (log scale)</text>`,
    );
    out.push(
      `<text transform="translate(${x0 + 14},${top + ph / 2}) rotate(-90)" text-anchor="middle" fill="#333">ms per tenant</text>`,
    );
    out.push(`<rect x="${left}" y="${top}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`);
    panel.series.forEach((s, si) => {
      const pts = [...s.points].sort((a, b) => a.n - b.n);
      if (pts.length > 0) {
        const d = pts.map((p, i) => `${i ? 'L' : 'M'}${px(p.n).toFixed(1)},${py(p.ms).toFixed(1)}`).join(' ');
        out.push(
          `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5,4"' : ''}/>`,
        );
        for (const p of pts) {
          out.push(
            `<circle cx="${px(p.n).toFixed(1)}" cy="${py(p.ms).toFixed(1)}" r="3" fill="${s.color}"><title>${esc(`${s.label}: ${fmt(p.ms)} ms per tenant at ${p.n.toLocaleString('en-US')}`)}</title></circle>`,
          );
        }
      }
      const ly = top + ph + 46 + si * 14;
      out.push(
        `<line x1="${left}" x2="${left + 22}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5,4"' : ''}/>`,
      );
      out.push(`<text x="${left + 28}" y="${ly}" fill="#333">${esc(s.label)}</text>`);
    });
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

const PGFLEET = '#1f6feb';
const PGFLEET_2 = '#8250df';
const FLOOR = '#57606a';

/** The per-tenant chart of the fleet figures, from rows of one or more runs (a later row for the same id wins). */
export function perTenantChart(rows: readonly Row[], subtitle: string): string {
  const byId = new Map(rows.filter((r) => r.tenants !== null && r.who === 'pgfleet').map((r) => [r.id, r]));
  const series = (label: string, color: string, figure: string, side: 'time' | 'floor', dashed = false): Series => ({
    label,
    color,
    dashed,
    points: [...byId.values()]
      .filter((r) => r.id.startsWith(`${figure}@`) && (side === 'time' || r.floor))
      .map((r) => ({
        n: r.tenants as number,
        ms: (side === 'time' ? r.time.median : r.floor!.median) / (r.tenants as number),
      })),
  });
  const nonEmpty = (s: Series[]) => s.filter((x) => x.points.length > 0);
  const panels: Panel[] = [
    {
      title: 'bootstrap: 20 tables per tenant',
      series: nonEmpty([
        series('pgfleet migrate, concurrency 1', PGFLEET, 'bootstrap-c1', 'time'),
        series('floor, 1 connection', FLOOR, 'bootstrap-c1', 'floor', true),
        series('pgfleet migrate, concurrency 4', PGFLEET_2, 'bootstrap-c4', 'time'),
        series('floor, 4 connections', FLOOR, 'bootstrap-c4', 'floor'),
      ]),
    },
    {
      title: 'one new migration',
      series: nonEmpty([
        series('pgfleet, concurrency 1', PGFLEET, 'migrate-c1', 'time'),
        series('pgfleet, concurrency 4', PGFLEET_2, 'migrate-c4', 'time'),
        series('floor, 1 connection', FLOOR, 'migrate-c1', 'floor', true),
      ]),
    },
    {
      title: 'nothing to do / status (API)',
      series: nonEmpty([
        series('pgfleet migrate, nothing to do', PGFLEET, 'noop', 'time'),
        series('pgfleet status', PGFLEET_2, 'status', 'time'),
        series('floor: one query', FLOOR, 'status', 'floor', true),
      ]),
    },
  ].filter((p) => p.series.length > 0);
  return lineChart('pgfleet beside the floor: time per tenant', subtitle, panels);
}

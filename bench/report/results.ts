import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HostInfo } from '../server.js';
import { formatMs } from '../timing.js';
import type { Row } from '../types.js';

/** One run of the suite, as bench/results/*.json keep it. */
export interface Results {
  readonly format: 1;
  readonly date: string;
  readonly commit: string;
  readonly host: HostInfo;
  readonly load: readonly number[];
  readonly server: { readonly version: string; readonly embedded: boolean };
  readonly floor: string;
  readonly options: {
    readonly tenants: number;
    readonly sweep: readonly number[];
    readonly runs: number;
    readonly only: readonly string[] | null;
  };
  readonly elapsedS: number;
  readonly rows: readonly Row[];
}

export async function readResults(file: string): Promise<Results | null> {
  try {
    const r = JSON.parse(await readFile(file, 'utf8')) as Results;
    return r.format === 1 ? r : null;
  } catch {
    return null;
  }
}

/**
 * `tenants-<N>.json` (the last saved run at that N) and, for a run of every figure,
 * `latest.json` (what the next run compares itself with).
 */
export async function writeResults(dir: string, results: Results): Promise<void> {
  await mkdir(dir, { recursive: true });
  const text = `${JSON.stringify(results, null, 1)}\n`;
  if (results.options.only === null) await writeFile(join(dir, 'latest.json'), text);
  await writeFile(join(dir, `tenants-${results.options.tenants}.json`), text);
}

/** Every kept run, one per N, oldest first. */
export async function keptRuns(dir: string): Promise<Results[]> {
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => /^tenants-\d+\.json$/.test(f));
  const runs = (await Promise.all(files.map((f) => readResults(join(dir, f))))).filter((r): r is Results => r !== null);
  return runs.sort((a, b) => a.date.localeCompare(b.date));
}

/** Lines comparing the medians of rows present in both runs. */
export function delta(previous: Results, current: readonly Row[]): string[] {
  const before = new Map(previous.rows.map((r) => [r.id, r]));
  const lines: string[] = [];
  for (const row of current) {
    const old = before.get(row.id);
    if (!old) continue;
    const change = (row.time.median - old.time.median) / old.time.median;
    const flag = Math.abs(change) >= 0.1 ? (change < 0 ? '  faster' : '  slower') : '';
    lines.push(
      `${`${row.figure}${row.tenants === null ? '' : ` @${row.tenants}`} / ${row.who}`.padEnd(78)} ${formatMs(old.time.median).padStart(9)} → ${formatMs(row.time.median).padStart(9)}  ${`${change >= 0 ? '+' : ''}${(change * 100).toFixed(0)}%`.padStart(5)}${flag}`,
    );
  }
  return lines;
}

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO } from '../cli-process.js';
import type { BenchContext, Row } from '../types.js';

/** Where the drift figure lives; another engineer writes it. */
export const DRIFT_MODULE = join(REPO, 'bench', 'drift.ts');

/**
 * The hook for `drift`. When bench/drift.ts exports
 * `driftFigure(ctx: BenchContext): Promise<Row[]>`, the suite runs it on its own fleet:
 * `ctx.tenants` schemas named by `fleetMatch(ctx.tenants)`, all at tenant migration 0002 of
 * the 20-table model (project in `ctx.fleetDir`, database `ctx.url`, dev server
 * `ctx.serverUrl`, `ctx.runs` runs), and shows its rows in the table; the pgfleet row should
 * carry the goal `{ kind: 'ratio', max: 5, at: 1000, text: '≤ 5× floor' }`.
 *
 * A bench/drift.ts without that export is a script of its own (it builds its own fleet):
 * it is not imported, since importing would run it, and the suite says so.
 */
export async function driftHook(ctx: BenchContext): Promise<Row[]> {
  if (!existsSync(DRIFT_MODULE)) return [];
  const text = await readFile(DRIFT_MODULE, 'utf8');
  if (!/export\s+(async\s+)?function\s+driftFigure\b|export\s*\{[^}]*\bdriftFigure\b/.test(text)) {
    console.log('    bench/drift.ts exports no driftFigure(ctx); run it on its own: node --import tsx bench/drift.ts');
    return [];
  }
  const mod = (await import(pathToFileURL(DRIFT_MODULE).href)) as {
    driftFigure: (ctx: BenchContext) => Promise<Row[]>;
  };
  return mod.driftFigure(ctx);
}

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO } from '../cli-process.js';
import type { BenchContext, Row } from '../types.js';

/** Where the drift figure lives; another engineer writes it. */
export const DRIFT_MODULE = join(REPO, 'bench', 'drift.ts');

/**
 * The hook for `drift`: when bench/drift.ts exists it must export
 * `driftFigure(ctx: BenchContext): Promise<Row[]>`, run on the fleet of `ctx.tenants`
 * schemas at tenant migration 0002 (project in `ctx.fleetDir`, database `ctx.url`), with
 * the goal `{ kind: 'ratio', max: 5, at: 1000 }` on its pgfleet row.
 */
export async function driftHook(ctx: BenchContext): Promise<Row[]> {
  if (!existsSync(DRIFT_MODULE)) return [];
  const mod = (await import(pathToFileURL(DRIFT_MODULE).href)) as { driftFigure?: (ctx: BenchContext) => Promise<Row[]> };
  if (typeof mod.driftFigure !== 'function') throw new Error('bench/drift.ts exports no driftFigure(ctx: BenchContext): Promise<Row[]>');
  return mod.driftFigure(ctx);
}

import { devLoop } from '../cli/dev-loop.js';
import { cliMigrate } from '../cli/migrate.js';
import { bootstrap } from '../fleet/bootstrap.js';
import { oneMigration } from '../fleet/migrate.js';
import { preflightFigure } from '../fleet/preflight.js';
import { cliReads, reads, tenantCreate } from '../fleet/reads.js';
import type { BenchContext, Row } from '../types.js';
import { adoptFigure } from './adopt.js';
import { canonicaliseDiff, diffTwo, introspect } from './core.js';
import { driftHook } from './drift-hook.js';
import { generateFigure } from './generate.js';
import { onlineFigure } from './online.js';
import { startup } from './startup.js';

/** Every figure of the suite by the name `--only` takes; each runs in a process of its own. */
export const FIGURES: Record<string, (ctx: BenchContext) => Promise<Row[]>> = {
  startup,
  'dev-loop': devLoop,
  introspect,
  canonicalise: canonicaliseDiff,
  'diff-two': diffTwo,
  generate: generateFigure,
  bootstrap,
  migrate: (ctx) => oneMigration(ctx, ctx.peerRuns),
  reads,
  'tenant-create': tenantCreate,
  drift: driftHook,
  'cli-reads': cliReads,
  'cli-migrate': cliMigrate,
  adopt: adoptFigure,
  preflight: preflightFigure,
  online: onlineFigure,
};

/** Figures that need the fleet of N tenant schemas, run for each N of the sweep. */
export const FLEET_FIGURES = ['bootstrap', 'migrate', 'reads', 'tenant-create', 'drift', 'preflight'] as const;

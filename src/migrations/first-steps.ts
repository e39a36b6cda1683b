import { migrationSteps } from './migration-steps.js';
import type { Migration } from './types.js';

/**
 * A migration cut to its first `k` up steps: what a schema inside it (k steps done) is
 * expected to have applied of it. Its id, path and checksum say so, so that a replay of it
 * is cached apart from the whole migration's.
 *
 * @example
 * replayedState(dev, { shared, tenant: [...applied, firstSteps(m, 2)] }, 'public');
 */
export function firstSteps(m: Migration, k: number): Migration {
  const steps = migrationSteps(m);
  return {
    ...m,
    id: `${m.id} (step ${k} of ${steps.up.length})`,
    path: `${m.path}#step${k}`,
    checksum: `${m.checksum}#step${k}`,
    steps: { up: steps.up.slice(0, k), down: [] },
  };
}

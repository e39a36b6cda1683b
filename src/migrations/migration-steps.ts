import { parseSteps } from './parse-steps.js';
import type { Migration, MigrationStep } from './types.js';

const derived = new WeakMap<Migration, { up: readonly MigrationStep[]; down: readonly MigrationStep[] }>();

/**
 * The steps of a migration: those read from its file, or, for one made in code without
 * them, each section as one step in the migration's transaction mode.
 *
 * @example
 * migrationSteps(m).up.length; // 1 for a file without `-- +step` lines
 */
export function migrationSteps(m: Migration): { up: readonly MigrationStep[]; down: readonly MigrationStep[] } {
  if (m.steps) return m.steps;
  let steps = derived.get(m);
  if (!steps) {
    const fail = (line: number, message: string) => {
      throw new Error(`migration ${m.path}, line ${line} of a section: ${message}`);
    };
    const of = (sql: string) => parseSteps(sql.split(/\r?\n/), 1, m.transactional, fail);
    steps = { up: of(m.up), down: of(m.down) };
    derived.set(m, steps);
  }
  return steps;
}

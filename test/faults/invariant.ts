import { expect } from 'vitest';
import { drift } from '../../src/api/drift.js';
import { status } from '../../src/api/fleet.js';
import type { Project } from '../../src/api/project.js';
import { readMigrations } from '../../src/migrations/index.js';

/**
 * The fault suite's one invariant, checked after every fault: every schema of the fleet is
 * at a version recorded in its history, exactly. That is:
 * - its applied migrations are the first k of the directory, with no gap and none unknown;
 * - its live catalog equals what those k migrations produce (`drift` against history
 *   replays them on the dev database and compares every object), so no half-applied DDL
 *   and no DDL without its history row.
 * Returns each schema's version (null: nothing applied), for counts in the tests.
 */
export async function expectFleetAtRecordedVersions(project: Project): Promise<Map<string, string | null>> {
  const set = await readMigrations(project.config.migrations);
  const s = await status(project);
  const schemas = [...(s.shared ? [s.shared] : []), ...s.tenants];
  for (const schema of schemas) {
    const line = set[schema.scope].map((m) => m.id);
    const where = `${schema.schema} (${schema.scope})`;
    expect(schema.unknown, `${where}: applied migrations missing from the directory`).toEqual([]);
    expect(schema.problems, `${where}: history problems`).toEqual([]);
    expect(schema.applied, `${where}: applied migrations are not a prefix of the directory`).toEqual(
      line.slice(0, schema.applied.length),
    );
    expect(schema.pending, `${where}: pending`).toEqual(line.slice(schema.applied.length));
  }
  const d = await drift(project);
  const drifted = d.schemas
    .filter((x) => x.drifted)
    .map(
      (x) =>
        `${x.schema} (expected ${x.expected}): ${[...x.differences, ...x.history].map((f) => f.message).join('; ')}`,
    );
  expect(drifted, 'schemas whose catalog is not what their history says').toEqual([]);
  expect(d.schemas.length).toBe(schemas.length);
  return new Map(schemas.map((x) => [x.schema, x.version]));
}

/** How many schemas are at each version: `{ '0002': 31, '0003': 19 }`. */
export const countByVersion = (versions: Map<string, string | null>): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const v of versions.values()) out[v ?? 'none'] = (out[v ?? 'none'] ?? 0) + 1;
  return out;
};

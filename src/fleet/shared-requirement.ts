import type pg from 'pg';
import type { Config } from '../config/config.js';
import type { Migration, MigrationSet } from '../migrations/index.js';
import { readHistory } from './history.js';

/**
 * The first tenant migration that requires a shared migration the shared schema has not
 * applied, or undefined; the history is read only when some tenant migration requires one.
 */
export async function missingSharedRequirement(
  client: pg.ClientBase,
  config: Config,
  set: MigrationSet,
): Promise<Migration | undefined> {
  const requiring = set.tenant.filter((m) => m.requires?.scope === 'shared');
  if (requiring.length === 0) return undefined;
  const shared = config.shared.schema;
  const applied = new Set(
    ((await readHistory(client, [shared])).get(shared) ?? [])
      .filter((r) => r.status === 'applied')
      .map((r) => r.version),
  );
  return requiring.find((m) => !applied.has(m.requires?.version ?? ''));
}

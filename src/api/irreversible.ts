import { PgfleetError } from '../errors.js';
import { compareVersions, type Migration, type MigrationSet } from '../migrations/index.js';
import type { Scope } from '../model/types.js';
import type { RollbackOptions } from './fleet.js';

/**
 * The code migrations without `down` that a rollback would have to undo, in the scopes it
 * targets: `--to` (or `--steps`) must stop above them. Checked from the directory alone,
 * before connecting, so a refused rollback touches nothing.
 */
export function irreversibleInRollback(set: MigrationSet, sharedSchema: string, o: RollbackOptions): Migration[] {
  const only = o.only;
  const scopes: Scope[] =
    only && 'scope' in only
      ? [only.scope]
      : only && 'schema' in only
        ? [only.schema === sharedSchema ? 'shared' : 'tenant']
        : ['shared', 'tenant'];
  return scopes.flatMap((scope) => {
    const line = set[scope];
    const to = o.steps !== undefined ? (line[line.length - 1 - o.steps]?.version ?? '0') : (o.to ?? '0');
    return line.filter((m) => m.code && !m.code.reversible && compareVersions(m.version, to) > 0);
  });
}

export function refuseIrreversible(set: MigrationSet, sharedSchema: string, o: RollbackOptions): void {
  const found = irreversibleInRollback(set, sharedSchema, o);
  if (found.length === 0) return;
  const highest = found.reduce((a, b) => (compareVersions(a.version, b.version) >= 0 ? a : b));
  throw new PgfleetError(
    'input',
    `cannot roll back past ${found.map((m) => `${m.scope}/${m.id}`).join(', ')}: a code migration without \`down\` is irreversible; nothing was run`,
    {
      hint: `roll back with \`--to ${highest.version}\` (or later), or add an \`export async function down(ctx)\` to ${found.map((m) => m.path).join(', ')} and run \`pgfleet hash\``,
      diagnostics: found.map((m) => ({
        file: m.code?.file ?? m.path,
        line: 1,
        col: 1,
        pointer: '',
        message: 'exports no down: irreversible',
      })),
    },
  );
}

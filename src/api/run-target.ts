import { PgfleetError } from '../errors.js';
import type { MigrationSet } from '../migrations/index.js';
import type { Scope } from '../model/types.js';
import { checkSchemaFlag } from './flags.js';

interface Target {
  readonly only?: { readonly scope: Scope } | { readonly schema: string };
  readonly to?: string;
}

/**
 * Checks `--schema` and `--to` before anything connects: a schema name Postgres cannot have,
 * or a version no migration of the chosen scopes has (a typo in `--to` would otherwise
 * apply, or roll back, more than was asked), is bad input. `--to 0` means before the first
 * migration (roll back everything).
 */
export function checkTarget(set: MigrationSet, target: Target, command: 'migrate' | 'rollback'): void {
  const only = target.only;
  if (only && 'schema' in only) checkSchemaFlag(only.schema);
  const to = target.to;
  if (to === undefined) return;
  const scopes: Scope[] = only && 'scope' in only ? [only.scope] : ['shared', 'tenant'];
  const known = scopes.flatMap((scope) => set[scope].map((m) => m.version));
  const latest = scopes.map((scope) => `${scope} ${set[scope].at(-1)?.version ?? 'none'}`).join(', ');
  if (!/^\d+$/.test(to)) {
    throw new PgfleetError('input', `--to ${JSON.stringify(to)} is not a migration version`, {
      hint: `give the number of a migration, e.g. \`pgfleet ${command} --to 0002\` (latest: ${latest})`,
    });
  }
  if (/^0+$/.test(to) || known.some((v) => BigInt(v) === BigInt(to))) return;
  throw new PgfleetError(
    'input',
    `--to ${to}: no ${scopes.join(' or ')} migration has that version (latest: ${latest})`,
    { hint: '`pgfleet status` lists the migrations of each scope' },
  );
}

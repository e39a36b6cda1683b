import { type Scope, SHARED_PREFIX } from '../model/types.js';

/**
 * The `refTable` of a foreign key as the model keeps it. From a tenant table, `shared.x`
 * stays as written (the planner qualifies it with the shared schema). In the shared scope
 * the shared tables are the local ones, so `shared.x` (written in a `scope: both` file,
 * whose tables exist in both scopes) is simply `x`.
 */
export function referencedTable(written: string, scope: Scope): string {
  return scope === 'shared' && written.startsWith(SHARED_PREFIX) ? written.slice(SHARED_PREFIX.length) : written;
}

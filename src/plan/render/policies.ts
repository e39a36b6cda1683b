import type { RowSecurity } from '../../model/changes.js';
import type { Policy } from '../../model/types.js';
import { ident } from '../quote.js';
import { roundTripSql } from '../round-trip-sql.js';
import type { Statement } from '../types.js';
import { hazard, type Rendered, rendered, sql } from './rendered.js';

/** `public` is the PUBLIC pseudo-role, a keyword; any other name is a role. */
const role = (name: string) => (name === 'public' ? 'PUBLIC' : ident(name));

export function createPolicy(table: string, p: Policy): Rendered {
  const parts = [`CREATE POLICY ${ident(p.name)} ON ${ident(table)}`];
  if (!p.permissive) parts.push('AS RESTRICTIVE');
  if (p.command !== 'all') parts.push(`FOR ${p.command.toUpperCase()}`);
  if (!(p.roles.length === 1 && p.roles[0] === 'public')) parts.push(`TO ${p.roles.map(role).join(', ')}`);
  if (p.using !== null) parts.push(`USING (${roundTripSql(p.using)})`);
  if (p.check !== null) parts.push(`WITH CHECK (${roundTripSql(p.check)})`);
  return rendered([sql(parts.join(' '))]);
}

export const dropPolicy = (table: string, p: Policy): Rendered =>
  rendered([sql(`DROP POLICY ${ident(p.name)} ON ${ident(table)}`)]);

export function setRowSecurity(table: string, from: RowSecurity, to: RowSecurity): Rendered {
  const out: Statement[] = [];
  const t = ident(table);
  if (from.enabled !== to.enabled)
    out.push(sql(`ALTER TABLE ${t} ${to.enabled ? 'ENABLE' : 'DISABLE'} ROW LEVEL SECURITY`));
  if (from.forced !== to.forced)
    out.push(sql(`ALTER TABLE ${t} ${to.forced ? 'FORCE' : 'NO FORCE'} ROW LEVEL SECURITY`));
  // Turning it on hides every row that no policy lets through, at once.
  const hazards =
    to.enabled && !from.enabled
      ? [hazard('blocks_writes', table, `row level security on ${table} hides the rows no policy allows`)]
      : [];
  return rendered(out, hazards);
}

import type { Column } from '../model/types.js';

/** `ALTER COLUMN ... SET EXPRESSION` changes a stored generated column in place from Postgres 17 on. */
export const SET_EXPRESSION_SINCE = 17;

/**
 * True when column `from` becomes `to` only by being dropped and added again, its values
 * computed anew: Postgres cannot make a plain column generated in place (SET EXPRESSION
 * only changes a column that is generated already), and before 17 it cannot change a
 * generation expression at all. The diff rebuilds the column's indexes and constraints and
 * the views that read it around such a change (either way, for the down section's sake).
 */
export function recreatesColumn(from: Column, to: Column, serverMajor: number): boolean {
  if (to.generated === null) return false;
  if (from.generated === null) return true;
  return from.generated !== to.generated && serverMajor < SET_EXPRESSION_SINCE;
}

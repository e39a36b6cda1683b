import { makeObjectName } from '../../model/default-names.js';
import type { Column } from '../../model/types.js';
import { ident } from '../quote.js';
import { alterColumn } from '../render/columns.js';
import { sql } from '../render/rendered.js';
import { recreatesColumn } from '../server-features.js';
import type { Hazard, Stage, Statement } from '../types.js';
import { validate } from './constraints.js';

/** The CHECK that stands for NOT NULL while it is validated (and is dropped after). */
export const notNullCheckName = (table: string, column: string): string => makeObjectName(table, column, 'not_null');

/** The hazards of the column's other changes (a type change's rewrite) go on its first statement. */
const withHazards = (statements: readonly Statement[], hazards: readonly Hazard[]): Statement[] =>
  statements.map((s, i) => (i === 0 && hazards.length > 0 ? { ...s, hazards } : s));

/** Rows per transaction of a backfill. */
export const BACKFILL_BATCH = 5000;

/**
 * `backfill:` in batches, each committed (a DO block may COMMIT when it runs outside a
 * transaction block, so this is a non-transactional step): no transaction holds the row
 * locks of the whole table, and a rerun goes on where the last one stopped (it fills only
 * NULLs). New NULLs cannot appear meanwhile: the NOT VALID check refuses them.
 */
export function batchedBackfill(table: string, column: string, expression: string): Statement {
  const t = ident(table);
  const c = ident(column);
  return sql(
    `DO $pgfleet_backfill$
DECLARE
  n bigint;
BEGIN
  LOOP
    UPDATE ${t} SET ${c} = ${expression}
      WHERE ctid = ANY (ARRAY(SELECT ctid FROM ${t} WHERE ${c} IS NULL LIMIT ${BACKFILL_BATCH}));
    GET DIAGNOSTICS n = ROW_COUNT;
    EXIT WHEN n = 0;
    COMMIT;
  END LOOP;
END
$pgfleet_backfill$`,
    false,
  );
}

/**
 * NOT NULL on a column of a table that exists, without a scan under ACCESS EXCLUSIVE:
 * `CHECK (col IS NOT NULL) NOT VALID` (new rows are checked at once), the backfill in
 * batches, VALIDATE (writes go on), then SET NOT NULL, which Postgres 12+ proves from the
 * valid check without scanning, and the check is dropped. The column's other changes go
 * with the first step. Null when the plain form is needed (an identity added with it,
 * which needs NOT NULL first; a column that is dropped and added back).
 */
export function setNotNull(table: string, from: Column, to: Column, serverMajor: number): Stage[] | null {
  if (!(from.nullable && !to.nullable)) return null;
  if (recreatesColumn(from, to, serverMajor) || (from.identity === null && to.identity !== null)) return null;
  const t = ident(table);
  const check = notNullCheckName(table, to.name);
  const rest = alterColumn(table, from, { ...to, nullable: true }, serverMajor);
  const back = alterColumn(table, to, from, serverMajor);
  const backfill = to.hints?.backfill;
  const stages: Stage[] = [
    {
      up: [
        ...withHazards(rest.statements, rest.hazards),
        sql(`ALTER TABLE ${t} ADD CONSTRAINT ${ident(check)} CHECK (${ident(to.name)} IS NOT NULL) NOT VALID`),
      ],
      down: [sql(`ALTER TABLE ${t} DROP CONSTRAINT IF EXISTS ${ident(check)}`), ...back.statements],
    },
  ];
  if (backfill !== undefined) stages.push({ up: [batchedBackfill(table, to.name, backfill)], down: [] });
  stages.push({ up: [validate(table, check)], down: [] });
  stages.push({
    up: [
      sql(`ALTER TABLE ${t} ALTER COLUMN ${ident(to.name)} SET NOT NULL`),
      sql(`ALTER TABLE ${t} DROP CONSTRAINT ${ident(check)}`),
    ],
    down: [],
  });
  return stages;
}

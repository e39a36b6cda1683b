import type { Index } from '../../model/types.js';
import { ident } from '../quote.js';
import { createIndexSql } from '../render/definitions.js';
import { hazard, sql } from '../render/rendered.js';
import type { Stage, Statement } from '../types.js';

const build = (table: string, i: Index & { name: string }): Statement => ({
  ...sql(createIndexSql(table, { ...i, concurrently: true }), false),
  hazards: [hazard('index_build', i.name, `builds ${i.name} on ${table} concurrently; writes go on`)],
});

/**
 * An index on a table that exists is built concurrently (SHARE UPDATE EXCLUSIVE: writes go
 * on). A build that was interrupted leaves an INVALID index of that name, which the runner
 * drops before it runs the step again.
 */
export const createIndex = (table: string, i: Index & { name: string }): Stage[] => [
  { up: [build(table, i)], down: [sql(`DROP INDEX CONCURRENTLY IF EXISTS ${ident(i.name)}`, false)] },
];

/** Dropped concurrently too, `IF EXISTS` so that a rerun after an interruption is harmless. */
export const dropIndex = (table: string, i: Index & { name: string }): Stage[] => [
  { up: [sql(`DROP INDEX CONCURRENTLY IF EXISTS ${ident(i.name)}`, false)], down: [build(table, i)] },
];

/**
 * An index whose definition changes, keeping its name: the old one is renamed out of the
 * way, the new one built beside it, and only then is the old one dropped, so queries never
 * run without an index. Rerun-safe: each step checks what is there.
 */
export function replaceIndex(
  table: string,
  from: Index & { name: string },
  to: Index & { name: string },
  old: string,
): Stage[] {
  return [
    {
      up: [sql(`ALTER INDEX ${ident(from.name)} RENAME TO ${ident(old)}`)],
      down: [sql(`ALTER INDEX IF EXISTS ${ident(old)} RENAME TO ${ident(from.name)}`)],
    },
    { up: [build(table, to)], down: [sql(`DROP INDEX CONCURRENTLY IF EXISTS ${ident(to.name)}`, false)] },
    {
      up: [sql(`DROP INDEX CONCURRENTLY IF EXISTS ${ident(old)}`, false)],
      down: [build(table, { ...from, name: old })],
    },
  ];
}

/** Why an index of a partitioned parent is built plainly: the reason goes into the file. */
export function partitionedIndex(table: string, i: Index): Stage[] {
  const name = i.name ?? `index on ${table}`;
  return [
    {
      up: [
        {
          ...sql(createIndexSql(table, { ...i, concurrently: false })),
          hazards: [
            hazard(
              'blocks_writes',
              name,
              `${table} is a partitioned table, whose indexes Postgres cannot build concurrently: building ${name} blocks writes to every partition (to avoid it, build the index on each partition concurrently by hand first)`,
            ),
          ],
        },
      ],
      down: [sql(`DROP INDEX IF EXISTS ${ident(name)}`)],
    },
  ];
}

import type { CheckConstraint, ForeignKey, PrimaryKey, TableConstraint, UniqueConstraint } from '../../model/types.js';
import { ident, identList } from '../quote.js';
import { constraintClause } from '../render/definitions.js';
import { hazard, sql } from '../render/rendered.js';
import type { PlanOptions, Stage, Statement } from '../types.js';

/** A VALIDATE: SHARE UPDATE EXCLUSIVE, so writes go on while it scans; in a step of its own. */
export function validate(table: string, name: string): Statement {
  return {
    ...sql(`ALTER TABLE ${ident(table)} VALIDATE CONSTRAINT ${ident(name)}`),
    alone: true,
    hazards: [
      hazard(
        'validates',
        `${table}.${name}`,
        `validating ${name} scans ${table}; writes go on (SHARE UPDATE EXCLUSIVE)`,
      ),
    ],
  };
}

/**
 * CHECK and FOREIGN KEY on a table that exists: added NOT VALID (a short lock, no scan; new
 * rows are checked from then on), then validated in a later transaction. Postgres does not
 * validate again a constraint that is already valid, so a rerun of either step is harmless.
 */
export function addCheckOrForeignKey(
  table: string,
  c: (CheckConstraint | ForeignKey) & { name: string },
  options: PlanOptions,
): Stage[] {
  return [
    {
      up: [sql(`ALTER TABLE ${ident(table)} ADD ${constraintClause(c, options)} NOT VALID`)],
      down: [sql(`ALTER TABLE ${ident(table)} DROP CONSTRAINT ${ident(c.name)}`)],
    },
    { up: [validate(table, c.name)], down: [] },
  ];
}

/** CREATE UNIQUE INDEX CONCURRENTLY, undone by DROP INDEX CONCURRENTLY IF EXISTS (safe to rerun). */
export function buildUnique(table: string, name: string, columns: readonly string[], nullsNotDistinct = false): Stage {
  return {
    up: [uniqueBuild(table, name, columns, nullsNotDistinct)],
    down: [sql(`DROP INDEX CONCURRENTLY IF EXISTS ${ident(name)}`, false)],
  };
}

const uniqueBuild = (table: string, name: string, columns: readonly string[], nullsNotDistinct = false): Statement => ({
  ...sql(
    `CREATE UNIQUE INDEX CONCURRENTLY ${ident(name)} ON ${ident(table)} (${identList(columns)})${nullsNotDistinct ? ' NULLS NOT DISTINCT' : ''}`,
    false,
  ),
  hazards: [hazard('index_build', name, `builds ${name} on ${table} concurrently; writes go on`)],
});

/** The constraint takes over a unique index built concurrently (a short lock, no scan; the index takes its name). */
const useIndex = (table: string, u: UniqueConstraint & { name: string }, index: string): Statement =>
  sql(
    `ALTER TABLE ${ident(table)} ADD CONSTRAINT ${ident(u.name)} UNIQUE USING INDEX ${ident(index)}${deferrable(u.deferrable)}`,
  );

const deferrable = (d: UniqueConstraint['deferrable']) => (d === 'not deferrable' ? '' : ` ${d.toUpperCase()}`);

/**
 * UNIQUE on a table that exists: the index is built concurrently, then the constraint
 * takes it over (`USING INDEX`, a short lock and no scan; the index takes the
 * constraint's name, which it already has).
 */
export function addUnique(table: string, u: UniqueConstraint & { name: string }): Stage[] {
  return [
    buildUnique(table, u.name, u.columns, u.nullsNotDistinct),
    { up: [useIndex(table, u, u.name)], down: [dropConstraint(table, u.name)] },
  ];
}

const dropConstraint = (table: string, name: string) =>
  sql(`ALTER TABLE ${ident(table)} DROP CONSTRAINT ${ident(name)}`);

const addNotValid = (table: string, c: (CheckConstraint | ForeignKey) & { name: string }, options: PlanOptions) =>
  sql(`ALTER TABLE ${ident(table)} ADD ${constraintClause(c, options)} NOT VALID`);

/**
 * The constraint is kept, and still checks new rows, but marked NOT VALID: a step of its own
 * before it is dropped, whose reverse (VALIDATE) is a step of its own too. So each down step
 * gives back exactly the state of a recorded step, and a rollback killed between two of
 * them leaves the schema where the ledger says.
 */
const markNotValid = (table: string, c: (CheckConstraint | ForeignKey) & { name: string }, options: PlanOptions) =>
  sql(`ALTER TABLE ${ident(table)} DROP CONSTRAINT ${ident(c.name)}, ADD ${constraintClause(c, options)} NOT VALID`);

type Named<T> = T & { name: string };

/**
 * Dropping a constraint of a table that exists is a short lock; its reverse adds it back
 * online, as `generate` would have: a CHECK or FK NOT VALID and then validated in a step of
 * its own (see `markNotValid`), a UNIQUE through a concurrent index.
 */
export function dropConstraintOnline(table: string, c: Named<TableConstraint>, options: PlanOptions): Stage[] {
  if (c.kind === 'unique') {
    return [
      {
        up: [dropConstraint(table, c.name)],
        down: [uniqueBuild(table, c.name, c.columns, c.nullsNotDistinct), useIndex(table, c, c.name)],
      },
    ];
  }
  return [
    { up: [markNotValid(table, c, options)], down: [validate(table, c.name)] },
    { up: [dropConstraint(table, c.name)], down: [addNotValid(table, c, options)] },
  ];
}

/**
 * A constraint whose definition changes, keeping its name: the new one is built beside the
 * old one under a temporary name (`temp`) and takes the name only once it holds, so the
 * table is never without the rule. A CHECK or FK is added NOT VALID and validated (writes go
 * on), then swapped in one short transaction; a UNIQUE is built as a concurrent index and
 * swapped with USING INDEX. The down section goes back the same way.
 */
export function replaceConstraint(
  table: string,
  from: Named<TableConstraint>,
  to: Named<TableConstraint>,
  temp: string,
  options: PlanOptions,
): Stage[] {
  const t = ident(table);
  if (from.kind === 'unique' && to.kind === 'unique') {
    return [
      {
        up: [uniqueBuild(table, temp, to.columns, to.nullsNotDistinct)],
        down: [sql(`DROP INDEX CONCURRENTLY IF EXISTS ${ident(temp)}`, false)],
      },
      {
        up: [dropConstraint(table, from.name), useIndex(table, to, temp)],
        down: [
          uniqueBuild(table, temp, from.columns, from.nullsNotDistinct),
          dropConstraint(table, to.name),
          useIndex(table, from, temp),
        ],
      },
    ];
  }
  if (from.kind === 'unique' || to.kind === 'unique')
    throw new Error('replaceConstraint: a UNIQUE replaced by another kind');
  return [
    {
      up: [addNotValid(table, { ...to, name: temp }, options)],
      down: [sql(`ALTER TABLE ${t} DROP CONSTRAINT IF EXISTS ${ident(temp)}`)],
    },
    { up: [validate(table, temp)], down: [] },
    { up: [markNotValid(table, from, options)], down: [validate(table, from.name)] },
    {
      up: [
        dropConstraint(table, from.name),
        sql(`ALTER TABLE ${t} RENAME CONSTRAINT ${ident(temp)} TO ${ident(to.name)}`),
      ],
      down: [
        sql(`ALTER TABLE ${t} RENAME CONSTRAINT ${ident(to.name)} TO ${ident(temp)}`),
        addNotValid(table, from, options),
      ],
    },
  ];
}

/** PRIMARY KEY on a table that exists, the same way (its columns are NOT NULL by then: see the NOT NULL form). */
export function addPrimaryKey(table: string, pk: PrimaryKey, name: string): Stage[] {
  return [
    buildUnique(table, name, pk.columns),
    {
      up: [sql(`ALTER TABLE ${ident(table)} ADD CONSTRAINT ${ident(name)} PRIMARY KEY USING INDEX ${ident(name)}`)],
      down: [sql(`ALTER TABLE ${ident(table)} DROP CONSTRAINT ${ident(name)}`)],
    },
  ];
}

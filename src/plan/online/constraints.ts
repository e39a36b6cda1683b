import type { CheckConstraint, ForeignKey, PrimaryKey, UniqueConstraint } from '../../model/types.js';
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
export function buildUnique(table: string, name: string, columns: readonly string[]): Stage {
  return {
    up: [
      {
        ...sql(`CREATE UNIQUE INDEX CONCURRENTLY ${ident(name)} ON ${ident(table)} (${identList(columns)})`, false),
        hazards: [hazard('index_build', name, `builds ${name} on ${table} concurrently; writes go on`)],
      },
    ],
    down: [sql(`DROP INDEX CONCURRENTLY IF EXISTS ${ident(name)}`, false)],
  };
}

const deferrable = (d: UniqueConstraint['deferrable']) => (d === 'not deferrable' ? '' : ` ${d.toUpperCase()}`);

/**
 * UNIQUE on a table that exists: the index is built concurrently, then the constraint
 * takes it over (`USING INDEX`, a short lock and no scan; the index takes the
 * constraint's name, which it already has).
 */
export function addUnique(table: string, u: UniqueConstraint & { name: string }): Stage[] {
  return [
    buildUnique(table, u.name, u.columns),
    {
      up: [
        sql(
          `ALTER TABLE ${ident(table)} ADD CONSTRAINT ${ident(u.name)} UNIQUE USING INDEX ${ident(u.name)}${deferrable(u.deferrable)}`,
        ),
      ],
      down: [sql(`ALTER TABLE ${ident(table)} DROP CONSTRAINT ${ident(u.name)}`)],
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

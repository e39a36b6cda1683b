import type { Routine } from '../../model/types.js';
import { literal } from '../quote.js';
import type { Statement } from '../types.js';
import { grantStatement, revokeStatement } from './grants.js';
import { type Rendered, rendered, sql } from './rendered.js';

/** FUNCTION, PROCEDURE or AGGREGATE, from the statement that creates the routine. */
export function routineKind(definition: string): 'FUNCTION' | 'PROCEDURE' | 'AGGREGATE' {
  const m = /^CREATE\s+(?:OR\s+REPLACE\s+)?(FUNCTION|PROCEDURE|AGGREGATE)\b/i.exec(definition);
  return (m?.[1].toUpperCase() ?? 'FUNCTION') as 'FUNCTION' | 'PROCEDURE' | 'AGGREGATE';
}

/**
 * The routine as its identity names it: a canonical name is `regprocedure` text
 * (`f(integer,text)`), already quoted by Postgres as needed; a name from YAML without
 * arguments names the only routine so called.
 */
const target = (r: Pick<Routine, 'name'>) => r.name;

// Routine bodies may read tables and call routines that a migration creates later (or a
// scratch schema never gets): pg_dump turns the body checks off for the same reason.
const NO_BODY_CHECKS = sql('SET LOCAL check_function_bodies = off');

export const commentOnRoutine = (r: Pick<Routine, 'name' | 'definition'>, comment: string | null) =>
  sql(`COMMENT ON ${routineKind(r.definition)} ${target(r)} IS ${comment === null ? 'NULL' : literal(comment)}`);

export function createFunction(r: Routine): Rendered {
  const statements = [NO_BODY_CHECKS, sql(r.definition)];
  if (r.comment !== null) statements.push(commentOnRoutine(r, r.comment));
  statements.push(...grantsFromDefault(r));
  return rendered(statements);
}

/** A routine made anew has Postgres' default privileges (EXECUTE for PUBLIC): from there to its own. */
function grantsFromDefault(r: Routine): Statement[] {
  const on = { kind: 'function' as const, name: r.name };
  const publicToo = r.grants.some((g) => g.name === 'public' && g.privileges.includes('execute'));
  return [
    ...(publicToo ? [] : [revokeStatement(on, 'public', ['execute'])]),
    ...r.grants.filter((g) => g.name !== 'public').map((g) => grantStatement(on, g.name, g.privileges)),
  ];
}

export const dropFunction = (r: Routine): Rendered => rendered([sql(`DROP ${routineKind(r.definition)} ${target(r)}`)]);

/** What a definition returns (`RETURNS SETOF integer`), or '' for a procedure or an aggregate. */
export const returnsOf = (definition: string): string => /\bRETURNS\s+([^\n]*)/i.exec(definition)?.[1].trim() ?? '';

/**
 * CREATE OR REPLACE with the new definition; Postgres refuses to change a function's result
 * type that way, so then the old one is dropped first.
 */
export function replaceFunction(from: Routine, to: Routine): Rendered {
  const statements = [];
  if (
    returnsOf(from.definition) !== returnsOf(to.definition) ||
    routineKind(from.definition) !== routineKind(to.definition)
  ) {
    statements.push(...dropFunction(from).statements);
  }
  const dropped = statements.length > 0;
  statements.push(NO_BODY_CHECKS, sql(to.definition.replace(/^CREATE\s+(?!OR\s+REPLACE)/i, 'CREATE OR REPLACE ')));
  if (from.comment !== to.comment || (dropped && to.comment !== null))
    statements.push(commentOnRoutine(to, to.comment));
  // Dropped and made again, it lost its grants: it gets its new ones here (the diff's own
  // REVOKEs ran before, on the old routine; its GRANTs, after, change nothing more).
  if (dropped) statements.push(...grantsFromDefault(to));
  return rendered(statements);
}

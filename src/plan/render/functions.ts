import type { Routine } from '../../model/types.js';
import { literal } from '../quote.js';
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
const target = (r: Routine) => r.name;

// Routine bodies may read tables and call routines that a migration creates later (or a
// scratch schema never gets): pg_dump turns the body checks off for the same reason.
const NO_BODY_CHECKS = sql('SET LOCAL check_function_bodies = off');

export const commentOnRoutine = (r: Routine, comment: string | null) =>
  sql(`COMMENT ON ${routineKind(r.definition)} ${target(r)} IS ${comment === null ? 'NULL' : literal(comment)}`);

export function createFunction(r: Routine): Rendered {
  const statements = [NO_BODY_CHECKS, sql(r.definition)];
  if (r.comment !== null) statements.push(commentOnRoutine(r, r.comment));
  return rendered(statements);
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
  statements.push(NO_BODY_CHECKS, sql(to.definition.replace(/^CREATE\s+(?!OR\s+REPLACE)/i, 'CREATE OR REPLACE ')));
  if (from.comment !== to.comment) statements.push(commentOnRoutine(to, to.comment));
  return rendered(statements);
}

import type { ExclusionConstraint, Trigger } from '../../model/types.js';
import { ident, literal } from '../quote.js';
import { hazard, type Rendered, rendered, sql } from './rendered.js';

export function createTrigger(table: string, t: Trigger): Rendered {
  const statements = [sql(t.definition)];
  if (t.comment !== null)
    statements.push(sql(`COMMENT ON TRIGGER ${ident(t.name)} ON ${ident(table)} IS ${literal(t.comment)}`));
  return rendered(statements);
}

export const addExclusion = (table: string, x: ExclusionConstraint): Rendered =>
  rendered(
    [sql(`ALTER TABLE ${ident(table)} ADD CONSTRAINT ${ident(x.name)} EXCLUDE ${x.definition}`)],
    [hazard('blocks_writes', `${table}.${x.name}`, `building the index of ${x.name} scans ${table} under a lock`)],
  );

export const dropExclusion = (table: string, x: ExclusionConstraint): Rendered =>
  rendered([sql(`ALTER TABLE ${ident(table)} DROP CONSTRAINT ${ident(x.name)}`)]);

export const dropTrigger = (table: string, t: Trigger): Rendered =>
  rendered([sql(`DROP TRIGGER ${ident(t.name)} ON ${ident(table)}`)]);

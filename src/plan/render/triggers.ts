import type { Trigger } from '../../model/types.js';
import { ident, literal } from '../quote.js';
import { type Rendered, rendered, sql } from './rendered.js';

export function createTrigger(table: string, t: Trigger): Rendered {
  const statements = [sql(t.definition)];
  if (t.comment !== null)
    statements.push(sql(`COMMENT ON TRIGGER ${ident(t.name)} ON ${ident(table)} IS ${literal(t.comment)}`));
  return rendered(statements);
}

export const dropTrigger = (table: string, t: Trigger): Rendered =>
  rendered([sql(`DROP TRIGGER ${ident(t.name)} ON ${ident(table)}`)]);

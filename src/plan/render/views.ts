import type { CommentTarget } from '../../model/changes.js';
import type { View } from '../../model/types.js';
import { ident, literal } from '../quote.js';
import { createIndexSql } from './definitions.js';
import { commentOnRoutine } from './functions.js';
import { grantsOf } from './grants.js';
import { type Rendered, rendered, sql } from './rendered.js';

const what = (v: { materialized: boolean }) => (v.materialized ? 'MATERIALIZED VIEW' : 'VIEW');

const text = (comment: string | null) => (comment === null ? 'NULL' : literal(comment));

/** CREATE [MATERIALIZED] VIEW with its indexes and comment. A materialized view is filled at once. */
export function createView(v: View): Rendered {
  const statements = [sql(`CREATE ${what(v)} ${ident(v.name)} AS\n${v.definition}`)];
  for (const i of v.indexes) statements.push(sql(createIndexSql(v.name, { ...i, concurrently: false })));
  if (v.comment !== null) statements.push(sql(`COMMENT ON ${what(v)} ${ident(v.name)} IS ${text(v.comment)}`));
  // A view made again has lost its grants.
  statements.push(...grantsOf({ kind: 'view', name: v.name }, v.grants));
  return rendered(statements);
}

export const dropView = (v: View): Rendered => rendered([sql(`DROP ${what(v)} ${ident(v.name)}`)]);

export function setComment(t: CommentTarget, comment: string | null): Rendered {
  switch (t.kind) {
    case 'view':
      return rendered([sql(`COMMENT ON ${what(t)} ${ident(t.name)} IS ${text(comment)}`)]);
    case 'function':
      return rendered([commentOnRoutine(t, comment)]);
    case 'trigger':
      return rendered([sql(`COMMENT ON TRIGGER ${ident(t.name)} ON ${ident(t.on)} IS ${text(comment)}`)]);
  }
}

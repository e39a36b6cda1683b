import type { Index } from '../../model/types.js';
import { ident } from '../quote.js';
import { createIndexSql } from './definitions.js';
import { hazard, type Rendered, rendered, sql } from './rendered.js';

/** A concurrent build cannot run in a transaction, so it is a step of its own. */
export function createIndex(table: string, i: Index): Rendered {
  const name = i.name ?? `index on ${table}`;
  const hazards = [hazard('index_build', name, `builds index ${name} on ${table}`)];
  if (!i.concurrently) {
    hazards.push(
      hazard('blocks_writes', name, `building ${name} blocks writes to ${table}; set concurrently: true to avoid it`),
    );
  }
  return rendered([sql(createIndexSql(table, i), !i.concurrently)], hazards);
}

export function dropIndex(i: Index): Rendered {
  if (i.name === null) throw new Error('cannot drop an unnamed index');
  return rendered([sql(`DROP INDEX ${i.concurrently ? 'CONCURRENTLY ' : ''}${ident(i.name)}`, !i.concurrently)]);
}

export const renameIndex = (from: string, to: string): Rendered =>
  rendered([sql(`ALTER INDEX ${ident(from)} RENAME TO ${ident(to)}`)]);

import { stableKey } from '../../model/compare.js';
import type { Sequence } from '../../model/types.js';
import { ident } from '../quote.js';
import { commentOnSequence } from './comments.js';
import { hazard, type Rendered, rendered, sql } from './rendered.js';

const options = (s: Sequence) =>
  `AS ${s.type} INCREMENT BY ${s.increment} MINVALUE ${s.min} MAXVALUE ${s.max} START WITH ${s.start} CACHE ${s.cache} ${s.cycle ? 'CYCLE' : 'NO CYCLE'}`;

export function createSequence(s: Sequence): Rendered {
  const statements = [sql(`CREATE SEQUENCE ${ident(s.name)} ${options(s)}`)];
  if (s.comment !== null) statements.push(commentOnSequence(s.name, s.comment));
  return rendered(statements);
}

export const dropSequence = (s: Sequence): Rendered =>
  rendered(
    [sql(`DROP SEQUENCE ${ident(s.name)}`)],
    [hazard('deletes_data', s.name, `drops sequence ${s.name} and its current value`)],
  );

/**
 * Postgres refuses new bounds that exclude the sequence's current value ("RESTART value
 * cannot be greater than MAXVALUE"). When they exclude where it started (a direction
 * change, a range moved away), it is restarted at the new start, losing its value.
 */
export function restarts(from: Sequence, to: Sequence): boolean {
  const start = BigInt(from.start);
  return start < BigInt(to.min) || start > BigInt(to.max);
}

export function alterSequence(from: Sequence, to: Sequence): Rendered {
  const { comment: _a, ...a } = from;
  const { comment: _b, ...b } = to;
  const statements = [];
  const hazards = [];
  if (stableKey(a) !== stableKey(b)) {
    const restart = restarts(from, to);
    statements.push(sql(`ALTER SEQUENCE ${ident(to.name)} ${options(to)}${restart ? ' RESTART' : ''}`));
    if (restart) {
      hazards.push(
        hazard('deletes_data', to.name, `restarts sequence ${to.name} at ${to.start}: its current value is lost`),
      );
    }
  }
  if (from.comment !== to.comment) statements.push(commentOnSequence(to.name, to.comment));
  return rendered(statements, hazards);
}

import { PgfleetError } from '../../errors.js';
import type { CompositeAttribute, CompositeType } from '../../model/types.js';
import { ident, literal } from '../quote.js';
import type { Statement } from '../types.js';
import { hazard, type Rendered, rendered, sql } from './rendered.js';

const attribute = (a: CompositeAttribute) =>
  `${ident(a.name)} ${a.type}${a.collation !== null ? ` COLLATE ${ident(a.collation)}` : ''}`;

const commentOnType = (name: string, comment: string | null) =>
  sql(`COMMENT ON TYPE ${ident(name)} IS ${comment === null ? 'NULL' : literal(comment)}`);

export function createType(t: CompositeType): Rendered {
  const statements = [sql(`CREATE TYPE ${ident(t.name)} AS (${t.attributes.map(attribute).join(', ')})`)];
  if (t.comment !== null) statements.push(commentOnType(t.name, t.comment));
  return rendered(statements);
}

export const dropType = (t: CompositeType): Rendered => rendered([sql(`DROP TYPE ${ident(t.name)}`)]);

/**
 * Attributes dropped, retyped and added in place: ADD ATTRIBUTE appends, so the attributes
 * that stay must keep their order and the new ones come last. Anything else (an attribute
 * moved) needs the type made again, which columns of that type prevent: it is not supported.
 */
export function alterType(from: CompositeType, to: CompositeType): Rendered {
  const kept = new Set(to.attributes.map((a) => a.name));
  const had = new Map(from.attributes.map((a) => [a.name, a]));
  const stay = from.attributes.filter((a) => kept.has(a.name)).map((a) => a.name);
  const order = to.attributes.map((a) => a.name);
  if (stay.some((name, i) => order[i] !== name)) {
    throw new PgfleetError(
      'unsupported',
      `reordering the attributes of composite type ${to.name} is not supported yet: new attributes can only go last`,
      { hint: 'write it by hand, in a migration of its own: `pgfleet new --scope S --name N`' },
    );
  }
  const alter = (what: string) => sql(`ALTER TYPE ${ident(to.name)} ${what}`);
  const out: Statement[] = [];
  const hazards = [];
  for (const a of from.attributes) {
    if (kept.has(a.name)) continue;
    out.push(alter(`DROP ATTRIBUTE ${ident(a.name)}`));
    hazards.push(
      hazard('deletes_data', `${to.name}.${a.name}`, `drops attribute ${a.name} of type ${to.name} from every value`),
    );
  }
  for (const a of to.attributes) {
    const before = had.get(a.name);
    if (!before) out.push(alter(`ADD ATTRIBUTE ${attribute(a)}`));
    else if (before.type !== a.type || before.collation !== a.collation) {
      out.push(
        alter(
          `ALTER ATTRIBUTE ${ident(a.name)} TYPE ${a.type}${a.collation !== null ? ` COLLATE ${ident(a.collation)}` : ''}`,
        ),
      );
    }
  }
  if (from.comment !== to.comment) out.push(commentOnType(to.name, to.comment));
  return rendered(out, hazards);
}

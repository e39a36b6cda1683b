import fc from 'fast-check';
import { column, enumType, index, indexElement, model, table } from '../../src/model/build.js';
import type { Column, Enum, ForeignKey, Index, Model, Table } from '../../src/model/types.js';
import { ident, literal } from '../../src/plan/quote.js';

/**
 * Random small tenant models for property tests. Names come from fixed pools (some need
 * quoting), so that two models drawn independently share tables and columns and their diff
 * has alterations, not only creates and drops. Each column name has a family of types that
 * Postgres converts between on its own, or with the `using` the column carries, so that any
 * pair of models is a migration Postgres can run (tables hold no rows).
 */

export const TABLES = ['customer', 'order', 'user', 'Line Item', 'say "hi"'] as const;
const ENUMS = ['status', 'Mood'] as const;
const LABELS = ['new', 'active', "it's", 'done', 'Z z'] as const;

type Family = (enums: readonly Enum[]) => readonly string[];
const NUMBERS = ['integer', 'bigint', 'numeric(10,2)'];
const STRINGS = ['text', 'character varying(10)', 'character varying(50)'];
// A column's type is SQL as Postgres prints it: a mixed-case enum name is quoted.
const enumOr =
  (name: string): Family =>
  (enums) =>
    enums.some((e) => e.name === name) ? ['text', ident(name)] : ['text'];

/** Column names and the types each may take. */
const COLUMNS: Record<string, Family> = {
  id: () => ['integer', 'bigint'],
  qty: () => NUMBERS,
  Total: () => NUMBERS,
  name: () => STRINGS,
  select: () => STRINGS,
  flag: () => ['boolean'],
  'created at': () => ['timestamp with time zone'],
  state: enumOr('status'),
  mood: enumOr('Mood'),
};

/** A default valid for `type` (an enum's first value for an enum). */
function defaults(type: string, enums: readonly Enum[]): fc.Arbitrary<string> {
  const e = enums.find((x) => ident(x.name) === type);
  if (e) return fc.constantFrom(...e.values).map((v) => `${literal(v)}::${ident(e.name)}`);
  if (NUMBERS.includes(type)) return fc.constantFrom('0', '42', '-7', ...(type.startsWith('numeric') ? ['1.50'] : []));
  if (STRINGS.includes(type)) return fc.constantFrom("''", "'it''s'", "'abc'");
  if (type === 'boolean') return fc.constantFrom('true', 'false');
  return fc.constantFrom('now()', "'2020-01-01 00:00:00+00'::timestamp with time zone");
}

/** A check on one column, valid for its type. */
function check(c: Column): string {
  const n = ident(c.name);
  if (NUMBERS.includes(c.type)) return `${n} >= 0`;
  if (STRINGS.includes(c.type)) return `${n} <> 'x'`;
  if (c.type.startsWith('timestamp')) return `${n} > '2000-01-01 00:00:00+00'`;
  return `${n} IS NOT NULL`;
}

const enumArb: fc.Arbitrary<Enum[]> = fc
  .subarray([...ENUMS])
  .chain((names) =>
    fc.tuple(
      ...names.map((name) =>
        fc.shuffledSubarray([...LABELS], { minLength: 1, maxLength: 4 }).map((values) => enumType(name, values)),
      ),
    ),
  );

function columnArb(name: string, enums: readonly Enum[]): fc.Arbitrary<Column> {
  return fc.constantFrom(...COLUMNS[name](enums)).chain((type) =>
    fc
      .record({
        nullable: fc.boolean(),
        default: fc.option(defaults(type, enums), { nil: null }),
        identity:
          type === 'bigint' && name === 'id'
            ? fc.option(fc.constantFrom('always', 'by default' as const), { nil: null })
            : fc.constant(null),
        comment: fc.option(fc.constantFrom('a note', "it's"), { nil: null, freq: 4 }),
        collation: STRINGS.includes(type) ? fc.option(fc.constant('C'), { nil: null, freq: 3 }) : fc.constant(null),
      })
      .map(({ nullable, default: d, identity, comment, collation }) =>
        column(name, type, {
          nullable: identity === null ? nullable : false,
          default: identity === null ? d : null,
          identity,
          comment,
          collation,
          // text ↔ enum needs an explicit cast one way; the reverse is the plain cast back.
          ...(name === 'state' || name === 'mood' ? { hints: { using: `${ident(name)}::${type}` } } : {}),
        }),
      ),
  );
}

function tableArb(name: string, enums: readonly Enum[]): fc.Arbitrary<Table> {
  return (
    fc
      .shuffledSubarray(Object.keys(COLUMNS), { minLength: 1, maxLength: 5 })
      .chain((names) => fc.tuple(fc.tuple(...names.map((n) => columnArb(n, enums))), fc.boolean()))
      // A stored generated column that reads qty, when there is one.
      .map(([columns, twice]) =>
        twice && columns.some((c) => c.name === 'qty')
          ? [...columns, column('twice', 'numeric(12,2)', { nullable: true, generated: 'qty * 2' })]
          : columns,
      )
      .chain((columns) => {
        const names = columns.map((c) => c.name);
        const pick = fc.constantFrom(...names);
        return fc
          .record({
            pk: fc.option(fc.shuffledSubarray(names, { minLength: 1, maxLength: Math.min(2, names.length) }), {
              nil: null,
            }),
            unique: fc.option(
              fc.record({
                column: pick,
                deferrable: fc.constantFrom('not deferrable', 'deferrable initially deferred' as const),
              }),
              { nil: null },
            ),
            check: fc.option(pick, { nil: null }),
            index: fc.option(
              fc.record({
                columns: fc.shuffledSubarray(names, { minLength: 1, maxLength: Math.min(2, names.length) }),
                unique: fc.boolean(),
                desc: fc.boolean(),
                partial: fc.boolean(),
              }),
              { nil: null },
            ),
            comment: fc.option(fc.constant('a table'), { nil: null, freq: 4 }),
          })
          .map(({ pk, unique, check: checked, index: ix, comment }) => {
            const byName = (n: string) => columns.find((c) => c.name === n) as Column;
            const indexes: Index[] = ix
              ? [
                  index(`${name} idx`, [], {
                    unique: ix.unique,
                    elements: ix.columns.map((c, i) =>
                      indexElement(c, i === 0 && ix.desc ? { order: 'desc', nulls: 'first' } : {}),
                    ),
                    where: ix.partial ? `${ident(ix.columns[0])} IS NOT NULL` : null,
                  }),
                ]
              : [];
            return table(name, columns, {
              primaryKey: pk && { name: null, columns: pk },
              uniques: unique
                ? [{ kind: 'unique', name: null, columns: [unique.column], deferrable: unique.deferrable }]
                : [],
              checks: checked ? [{ kind: 'check', name: null, expression: check(byName(checked)) }] : [],
              indexes,
              comment,
            });
          });
      })
  );
}

/** Foreign keys from a table to a single-column primary key of the same type (possibly its own). */
function withForeignKeys(tables: readonly Table[]): fc.Arbitrary<Table[]> {
  const targets = tables.filter((t) => t.primaryKey?.columns.length === 1);
  return fc.tuple(
    ...tables.map((t) => {
      const options = targets.flatMap((target) => {
        const key = target.columns.find((c) => c.name === target.primaryKey?.columns[0]) as Column;
        return t.columns
          .filter((c) => c.type === key.type && c.generated === null && !(target === t && c.name === key.name))
          .map((c) => ({ target, key, column: c }));
      });
      if (options.length === 0) return fc.constant(t);
      return fc
        .option(
          fc.tuple(
            fc.constantFrom(...options),
            fc.constantFrom('no action', 'cascade', 'set null' as const),
            fc.constantFrom('no action', 'cascade' as const),
            fc.constantFrom('not deferrable', 'deferrable initially deferred' as const),
          ),
          { nil: null },
        )
        .map((choice): Table => {
          if (!choice) return t;
          const [{ target, key, column: c }, onDelete, onUpdate, deferrable] = choice;
          const fk: ForeignKey = {
            kind: 'foreignKey',
            name: null,
            columns: [c.name],
            refTable: target.name,
            refColumns: [key.name],
            // SET NULL on a NOT NULL column is accepted by Postgres; keep it to nullable columns anyway.
            onDelete: onDelete === 'set null' && !c.nullable ? 'no action' : onDelete,
            onUpdate,
            deferrable,
          };
          return { ...t, foreignKeys: [fk] };
        });
    }),
  );
}

/** A random tenant model: 0–2 enums, 1–4 tables. */
export const modelArb: fc.Arbitrary<Model> = enumArb.chain((enums) =>
  fc
    .shuffledSubarray([...TABLES], { minLength: 1, maxLength: 4 })
    .chain((names) => fc.tuple(...names.map((n) => tableArb(n, enums))))
    .chain(withForeignKeys)
    .map((tables) => model({ enums, tables })),
);

/**
 * `b` with `renamedFrom` hints where `picks` say so: a table of `b` that `a` lacks may be a
 * renamed table of `a` that `b` lacks, and a column likewise within a table, when the two
 * have the same type (a rename with a type change is a rename plus an alteration, which the
 * families above already exercise).
 */
export function withRenames(a: Model, b: Model, picks: readonly boolean[]): Model {
  let p = 0;
  const pick = () => picks[p++ % picks.length];
  const bNames = new Set(b.tables.map((t) => t.name));
  const sources = a.tables.filter((t) => !bNames.has(t.name));
  const tables = b.tables.map((t): Table => {
    let old = a.tables.find((x) => x.name === t.name);
    let renamed = t;
    if (!old && sources.length > 0 && pick()) {
      old = sources.shift() as Table;
      renamed = { ...t, hints: { renamedFrom: old.name } };
    }
    if (!old) return renamed;
    const from = old;
    const names = new Set(t.columns.map((c) => c.name));
    const gone = from.columns.filter((c) => !names.has(c.name));
    const columns = renamed.columns.map((c): Column => {
      if (from.columns.some((x) => x.name === c.name)) return c;
      const i = gone.findIndex((x) => x.type === c.type);
      if (i < 0 || !pick()) return c;
      const [source] = gone.splice(i, 1);
      return { ...c, hints: { ...c.hints, renamedFrom: source.name } };
    });
    return { ...renamed, columns };
  });
  return { ...b, tables };
}

/** Two models, the second with some renames of the first's tables and columns. */
export const pairArb: fc.Arbitrary<[Model, Model]> = fc
  .tuple(modelArb, modelArb, fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }))
  .map(([a, b, picks]) => [a, withRenames(a, b, picks)]);

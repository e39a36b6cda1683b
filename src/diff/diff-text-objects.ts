import type { Change, CollationUsage, TextObjectTarget } from '../model/changes.js';
import { stableKey } from '../model/compare.js';
import { mentions } from '../model/mentions.js';
import type {
  Collation,
  CompositeType,
  Domain,
  Index,
  Model,
  TextSearchConfiguration,
  TextSearchDictionary,
} from '../model/types.js';
import { matchByName } from './match.js';

/**
 * Collations, text search dictionaries and configurations. Postgres alters none of their
 * defining parts but a dictionary's options and a configuration's mappings: a changed
 * collation, template or parser is a recreation that moves what uses the object to the new
 * one (see the renderers). Indexes that name such an object themselves hold on to the old
 * one, so they are dropped before it is recreated and created after (`others`: the changes
 * so far, whose index drops and creations are not repeated).
 */
export function diffTextObjects(from: Model, to: Model, others: readonly Change[]): Change[] {
  const changes: Change[] = [];
  const rebuiltIndexes = (uses: (index: Index) => boolean) => changes.push(...rebuildIndexes(from, to, others, uses));

  const collations = matchByName(from.collations, to.collations);
  for (const collation of collations.added) changes.push({ kind: 'create_collation', collation });
  for (const collation of collations.removed) changes.push({ kind: 'drop_collation', collation });
  for (const [a, b] of collations.pairs) {
    if (stableKey(withoutComment(a)) !== stableKey(withoutComment(b))) {
      changes.push({
        kind: 'recreate_collation',
        from: a,
        to: b,
        usages: collationUsages(to, b.name),
        ...collationTypes(from, to, b.name),
      });
      rebuiltIndexes((i) => i.elements.some((e) => e.collation === b.name));
    } else if (a.comment !== b.comment) changes.push(comment({ kind: 'collation', name: b.name }, a, b));
  }

  const dictionaries = matchByName(from.textSearchDictionaries, to.textSearchDictionaries);
  for (const dictionary of dictionaries.added) changes.push({ kind: 'create_ts_dictionary', dictionary });
  for (const dictionary of dictionaries.removed) changes.push({ kind: 'drop_ts_dictionary', dictionary });
  for (const [a, b] of dictionaries.pairs) {
    if (a.template !== b.template) {
      const configurations = to.textSearchConfigurations
        .filter((c) => c.mappings.some((m) => m.dictionaries.some((d) => sameName(d, b.name))))
        .map((c) => c.name);
      changes.push({ kind: 'recreate_ts_dictionary', from: a, to: b, configurations });
    } else if (stableKey(a) !== stableKey(b)) changes.push({ kind: 'alter_ts_dictionary', from: a, to: b });
  }

  const configurations = matchByName(from.textSearchConfigurations, to.textSearchConfigurations);
  for (const configuration of configurations.added) changes.push({ kind: 'create_ts_configuration', configuration });
  for (const configuration of configurations.removed) changes.push({ kind: 'drop_ts_configuration', configuration });
  for (const [a, b] of configurations.pairs) {
    if (a.parser !== b.parser) {
      changes.push({ kind: 'recreate_ts_configuration', from: a, to: b });
      const named = (text: string | null) => text !== null && mentions(text, b.name);
      rebuiltIndexes((i) => named(i.where) || i.elements.some((e) => named(e.expression)));
    } else if (stableKey(a) !== stableKey(b)) changes.push({ kind: 'alter_ts_configuration', from: a, to: b });
  }
  return changes;
}

const withoutComment = (c: Collation | TextSearchDictionary | TextSearchConfiguration) => ({ ...c, comment: null });

const comment = (target: TextObjectTarget, a: { comment: string | null }, b: { comment: string | null }): Change => ({
  kind: 'set_text_object_comment',
  target,
  from: a.comment,
  to: b.comment,
});

/** A name as a mapping lists it (regdictionary prints it quoted when it must be) is `name`. */
const sameName = (printed: string, name: string) => printed === name || printed === `"${name.replaceAll('"', '""')}"`;

/** Columns of `model` with the collation `name`: they move to its new definition. */
export function collationUsages(model: Model, name: string): CollationUsage[] {
  return model.tables.flatMap((t) =>
    t.partitionOf !== null
      ? []
      : t.columns.filter((c) => c.collation === name).map((c) => ({ table: t.name, column: c.name, type: c.type })),
  );
}

/**
 * The domains and composite types that use collation `name`, which must leave the old
 * collation before it can be dropped. Postgres has no ALTER DOMAIN for a collation, so a
 * domain is dropped and created again, and a composite type's attributes are retyped with
 * ALTER TYPE; both only work on a type that nothing uses (a column, an attribute, a domain,
 * a routine or view that names it), and that is the same before and after (a definition
 * changed in the same migration would be altered around the rebuild). Anything else is
 * `blocked`: the plan refuses it, naming it, instead of writing a migration that fails.
 */
function collationTypes(
  from: Model,
  to: Model,
  name: string,
): { domains: Domain[]; types: CompositeType[]; blocked: string[] } {
  const domains: Domain[] = [];
  const types: CompositeType[] = [];
  const blocked: string[] = [];
  const domainUses = (d: Domain) => d.collation === name;
  const typeUses = (t: CompositeType) => t.attributes.some((a) => a.collation === name);
  const check = <T extends Domain | CompositeType>(
    kind: string,
    all: (m: Model) => readonly T[],
    uses: (o: T) => boolean,
    out: T[],
  ) => {
    const before = new Map(all(from).map((o) => [o.name, o]));
    const after = new Map(all(to).map((o) => [o.name, o]));
    for (const name_ of new Set([...before.keys(), ...after.keys()])) {
      const a = before.get(name_);
      const b = after.get(name_);
      if (!(a && uses(a)) && !(b && uses(b))) continue;
      if (!a || !b || stableKey(a) !== stableKey(b)) {
        blocked.push(`${kind} ${name_} (${!a ? 'created' : !b ? 'dropped' : 'changed'} in the same migration)`);
        continue;
      }
      const users = [...typeUsers(from, name_), ...typeUsers(to, name_)];
      if (users.length > 0) blocked.push(`${kind} ${name_} (used by ${[...new Set(users)].join(', ')})`);
      else out.push(b);
    }
  };
  check('domain', (m) => m.domains, domainUses, domains);
  check('type', (m) => m.types, typeUses, types);
  return { domains, types, blocked };
}

/** What in `model` names the type `name`: columns, attributes, domains, routines and views. */
function typeUsers(model: Model, name: string): string[] {
  return [
    ...model.tables.flatMap((t) =>
      t.columns.filter((c) => mentions(c.type, name)).map((c) => `column ${t.name}.${c.name}`),
    ),
    ...model.types.flatMap((t) =>
      t.attributes.filter((a) => mentions(a.type, name)).map((a) => `attribute ${t.name}.${a.name}`),
    ),
    ...model.domains.filter((d) => mentions(d.type, name)).map((d) => `domain ${d.name}`),
    ...model.functions.filter((f) => mentions(`${f.name} ${f.definition}`, name)).map((f) => `routine ${f.name}`),
    ...model.views.filter((v) => mentions(v.definition, name)).map((v) => `view ${v.name}`),
  ];
}

/**
 * Drop and create again the indexes of tables on both sides that `uses` picks, unless the
 * diff drops or creates them already.
 */
function rebuildIndexes(from: Model, to: Model, others: readonly Change[], uses: (i: Index) => boolean): Change[] {
  const touched = new Set(
    others.flatMap((c) =>
      c.kind === 'drop_index' || c.kind === 'create_index' ? [`${c.table}\0${c.index.name}`] : [],
    ),
  );
  const fromTables = new Map(from.tables.map((t) => [t.name, t]));
  const out: Change[] = [];
  for (const t of to.tables) {
    const before = fromTables.get(t.name);
    if (!before) continue;
    for (const index of t.indexes) {
      if (index.name === null || !uses(index) || touched.has(`${t.name}\0${index.name}`)) continue;
      const old = before.indexes.find((i) => i.name === index.name);
      if (!old) continue;
      out.push({ kind: 'drop_index', table: t.name, index: old }, { kind: 'create_index', table: t.name, index });
    }
  }
  return out;
}

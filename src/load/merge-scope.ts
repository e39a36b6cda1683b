import type { Diagnostic } from '../errors.js';
import { byName } from '../model/by-name.js';
import { type ForeignKey, type Model, type Scope, SHARED_PREFIX, type Table } from '../model/types.js';
import { closest } from '../yaml/closest.js';
import type { Declared, FileObjects, ForeignKeyDraft, Located, NamedKind, NamedThing, TableDraft } from './drafts.js';

/** The tables of both scopes, first declaration of each name, for foreign key targets. */
export type TablesByScope = Readonly<Record<Scope, ReadonlyMap<string, TableDraft>>>;

export interface MergeOptions {
  readonly scope: Scope;
  readonly files: readonly FileObjects[];
  readonly tables: TablesByScope;
  /** False when some file could not be read: a missing target may be in that file. */
  readonly checkReferences: boolean;
  report(diagnostic: Diagnostic): void;
}

/** First declaration of each table name of a scope. */
export function firstTables(files: readonly FileObjects[]): Map<string, TableDraft> {
  const tables = new Map<string, TableDraft>();
  for (const file of files) for (const t of file.tables) if (!tables.has(t.table.name)) tables.set(t.table.name, t);
  return tables;
}

/**
 * Merge the files of one scope into its `Model`: a name declared twice is an error naming
 * both places, names that share a Postgres namespace must differ, and every foreign key
 * must reach an existing table and columns that are unique there.
 */
export function mergeScope(options: MergeOptions): Model {
  const { scope, files, report } = options;
  const at: Report = (where, message, hint) => report(where.source.diagnostic(where.path, message, hint));

  const unique = <T extends { readonly name: string }>(kind: string, all: readonly Declared<T>[]): T[] => {
    const first = new Map<string, Declared<T>>();
    for (const d of all) {
      const earlier = first.get(d.value.name);
      if (earlier) {
        at(
          d,
          `${kind} ${d.value.name} is declared twice in the ${scope} scope: here and at ${place(earlier)}`,
          'a name may be declared once per scope; remove or rename one',
        );
      } else first.set(d.value.name, d);
    }
    return [...first.values()].map((d) => d.value);
  };
  const extensions = unique(
    'extension',
    files.flatMap((f) => f.extensions),
  );
  const enums = unique(
    'enum',
    files.flatMap((f) => f.enums),
  );
  const sequences = unique(
    'sequence',
    files.flatMap((f) => f.sequences),
  );
  const domains = unique(
    'domain',
    files.flatMap((f) => f.domains),
  );
  const functions = unique(
    'function',
    files.flatMap((f) => f.functions),
  );
  const views = unique(
    'view',
    files.flatMap((f) => f.views),
  );
  const types = unique(
    'type',
    files.flatMap((f) => f.types),
  );
  // Collations, dictionaries and configurations each have a namespace of their own.
  const collations = unique(
    'collation',
    files.flatMap((f) => f.collations),
  );
  const textSearchDictionaries = unique(
    'text search dictionary',
    files.flatMap((f) => f.textSearchDictionaries),
  );
  const textSearchConfigurations = unique(
    'text search configuration',
    files.flatMap((f) => f.textSearchConfigurations),
  );
  const tableDrafts = files.flatMap((f) => f.tables);
  unique(
    'table',
    tableDrafts.map((t) => ({ ...t, value: t.table })),
  );
  const tables = options.tables[scope];

  checkNamespaces(scope, files, tables, at);
  checkTableRenames(scope, [...tables.values()], at);

  const finished: Table[] = [...tables.values()].map((draft) => ({
    ...draft.table,
    foreignKeys: byName(draft.foreignKeys.map((fk) => resolveForeignKey(draft, fk, options))),
  }));
  return {
    extensions: byName(extensions),
    enums: byName(enums),
    sequences: byName(sequences),
    tables: byName(finished),
    domains: byName(domains),
    functions: byName(functions),
    views: byName(views),
    types: byName(types),
    collations: byName(collations),
    textSearchDictionaries: byName(textSearchDictionaries),
    textSearchConfigurations: byName(textSearchConfigurations),
  };
}

type Report = (where: Located, message: string, hint?: string) => void;

const place = (where: Located): string => {
  const { line, col } = where.source.locate(where.path);
  return `${where.source.file}:${line}:${col}`;
};

type Kind = NamedKind | 'table' | 'sequence' | 'enum' | 'view' | 'domain' | 'type';

// Postgres keeps tables, sequences, views, composite types and indexes (including those
// behind primary keys, unique and exclusion constraints) in pg_class, one name per schema;
// a table's row type, an enum, a domain and a composite type share pg_type, one name per
// schema too. Constraint names live in pg_constraint, where Postgres asks only that they
// be unique per table: real schemas reuse a CHECK or foreign key name on many tables, and
// so may the model. (An index without a constraint is not in pg_constraint: a CHECK may
// share its name.)
const RELATION = new Set<Kind>([
  'table',
  'sequence',
  'index',
  'primary key',
  'unique constraint',
  'exclusion constraint',
  'view',
  'type',
]);
const CONSTRAINT = new Set<Kind>([
  'primary key',
  'unique constraint',
  'check constraint',
  'foreign key',
  'exclusion constraint',
]);
const TYPE = new Set<Kind>(['table', 'enum', 'view', 'domain', 'type']);
const DECLARED_ONCE = new Set<Kind>(['table', 'sequence', 'enum', 'view', 'domain', 'type']);

/** Postgres' rule for the namespace two names clashed in, as its error says it. */
function schemaWideRule(a: Kind, b: Kind, name: string): string | null {
  // Two tables (or enums, sequences) with one name are reported as a duplicate declaration.
  if (a === b && DECLARED_ONCE.has(a)) return null;
  if (RELATION.has(a) && RELATION.has(b)) {
    return `Postgres: relation "${name}" already exists; tables, sequences, views, composite types, indexes and the indexes behind primary keys, unique and exclusion constraints share one namespace per schema`;
  }
  if (TYPE.has(a) && TYPE.has(b)) {
    return `Postgres: type "${name}" already exists; tables, views, enums, domains and composite types share one type namespace per schema`;
  }
  return null;
}

function checkNamespaces(
  scope: Scope,
  files: readonly FileObjects[],
  tables: ReadonlyMap<string, TableDraft>,
  at: Report,
): void {
  const seen = new Map<string, (Located & { kind: Kind })[]>();
  const add = (name: string, entry: Located & { kind: Kind }) => {
    const earlier = seen.get(name) ?? [];
    for (const e of earlier) {
      const rule = schemaWideRule(e.kind, entry.kind, name);
      if (rule === null) continue;
      at(
        entry,
        `${entry.kind} name ${name} is already used by the ${e.kind} at ${place(e)}`,
        `in the ${scope} scope: ${rule}`,
      );
      break;
    }
    earlier.push(entry);
    seen.set(name, earlier);
  };
  for (const file of files) {
    for (const e of file.enums) add(e.value.name, { ...e, kind: 'enum' });
    for (const s of file.sequences) add(s.value.name, { ...s, kind: 'sequence' });
    for (const d of file.domains) add(d.value.name, { ...d, kind: 'domain' });
    for (const t of file.types) add(t.value.name, { ...t, kind: 'type' });
    for (const v of file.views) add(v.value.name, { ...v, kind: 'view' });
  }
  for (const t of tables.values()) add(t.table.name, { ...t, kind: 'table' });
  for (const t of tables.values()) {
    const constraints = new Map<string, NamedThing>();
    for (const n of t.names) {
      if (RELATION.has(n.kind)) add(n.name, n);
      if (!CONSTRAINT.has(n.kind)) continue;
      const clash = constraints.get(n.name);
      if (clash) {
        at(
          n,
          `${n.kind} name ${n.name} is already used by the ${clash.kind} at ${place(clash)} on table ${t.table.name}`,
          `Postgres: constraint "${n.name}" for relation "${t.table.name}" already exists; constraint names are unique per table (other tables may reuse them)`,
        );
      } else constraints.set(n.name, n);
    }
  }
}

function checkTableRenames(scope: Scope, tables: readonly TableDraft[], at: Report): void {
  const names = new Set(tables.map((t) => t.table.name));
  const from = new Map<string, TableDraft>();
  for (const t of tables) {
    const old = t.table.hints?.renamedFrom;
    if (old === undefined) continue;
    const where = { source: t.source, path: [...t.path, 'renamedFrom'] };
    if (names.has(old)) {
      at(
        where,
        `table ${t.table.name} is renamed from ${old}, but the ${scope} scope still declares a table ${old}`,
        'a rename needs the old name to be gone',
      );
    }
    const other = from.get(old);
    if (other) at(where, `tables ${other.table.name} and ${t.table.name} are both renamed from ${old}`);
    from.set(old, t);
  }
}

function resolveForeignKey(owner: TableDraft, draft: ForeignKeyDraft, options: MergeOptions): ForeignKey {
  const { fk } = draft;
  // These are about a value the user wrote (a table or column name): point at it.
  const at: Report = (where, message, hint) =>
    options.report(where.source.diagnostic(where.path, message, hint, 'value'));
  if (!options.checkReferences) return fk;
  const { scope, tables } = options;
  const what = fk.name !== null ? `foreign key ${fk.name}` : `column ${owner.table.name}.${fk.columns[0]}`;
  const atTable = { source: draft.source, path: draft.tablePath };
  const atColumns = { source: draft.source, path: draft.columnsPath };

  const toShared = scope === 'tenant' && draft.writtenTable.startsWith(SHARED_PREFIX);
  const targetScope: Scope = toShared ? 'shared' : scope;
  const targetName = toShared ? draft.writtenTable.slice(SHARED_PREFIX.length) : fk.refTable;
  const target = tables[targetScope].get(targetName);
  if (!target) {
    at(
      atTable,
      `${what} references table ${draft.writtenTable}, which the ${targetScope} scope does not declare`,
      missingTableHint(scope, targetScope, targetName, tables),
    );
    return fk;
  }

  let refColumns: readonly string[] = fk.refColumns;
  const pk = target.table.primaryKey;
  if (!draft.refColumnsGiven) {
    if (!pk) {
      at(
        atTable,
        `${what} references table ${draft.writtenTable}, which has no primary key`,
        'name the referenced column(s), or give the target a primaryKey',
      );
      return fk;
    }
    if (pk.columns.length !== fk.columns.length) {
      at(
        atTable,
        `${what} has ${count(fk.columns.length)} but the primary key of ${draft.writtenTable} has ${count(pk.columns.length)} (${pk.columns.join(', ')})`,
        fk.columns.length === 1
          ? 'name the referenced `column`, or write a multi-column key under foreignKeys'
          : 'name the referenced columns',
      );
      return fk;
    }
    refColumns = pk.columns;
  } else {
    const targetColumns = target.table.columns.map((c) => c.name);
    let ok = true;
    refColumns.forEach((column, i) => {
      if (targetColumns.includes(column)) return;
      ok = false;
      const near = closest(column, targetColumns);
      // A list (`references.columns`) points at the item; `column:` at itself.
      const where = atColumns.path.at(-1) === 'columns' ? { ...atColumns, path: [...atColumns.path, i] } : atColumns;
      at(
        where,
        `${what} references column ${column}, which table ${draft.writtenTable} does not have`,
        near ? `did you mean ${near}?` : `its columns: ${targetColumns.join(', ')}`,
      );
    });
    if (!ok) return fk;
    if (refColumns.length !== fk.columns.length) {
      at(
        atColumns,
        `${what} has ${count(fk.columns.length)} but references ${count(refColumns.length)}`,
        'list as many referenced columns as referencing ones',
      );
      return fk;
    }
    if (!isUniqueKey(target.table, refColumns)) {
      at(
        atColumns,
        `${what} references ${draft.writtenTable}(${refColumns.join(', ')}), which is not its primary key or a unique constraint`,
        'Postgres needs a primary key, unique constraint or unique index on exactly the referenced columns',
      );
    }
  }
  return { ...fk, refColumns };
}

const count = (n: number): string => (n === 1 ? '1 column' : `${n} columns`);

function missingTableHint(scope: Scope, targetScope: Scope, name: string, tables: TablesByScope): string | undefined {
  if (scope === 'shared' && tables.tenant.has(name)) {
    return `${name} is a tenant table; the one shared schema cannot reference a table that exists once per tenant`;
  }
  if (scope === 'tenant' && targetScope === 'tenant' && tables.shared.has(name)) {
    return `${name} is a shared table; write shared.${name}`;
  }
  const near = closest(name, tables[targetScope].keys());
  if (near) return `did you mean ${targetScope === 'shared' && scope === 'tenant' ? SHARED_PREFIX : ''}${near}?`;
  if (name.includes('.')) return 'a table of the shared scope is written shared.<name> (from a tenant table)';
  return undefined;
}

/** Whether `columns` (in any order) are the primary key, a unique constraint or a plain unique index of `table`. */
function isUniqueKey(table: Table, columns: readonly string[]): boolean {
  const key = [...columns].sort().join('\0');
  const same = (cols: readonly (string | null)[]) => [...cols].sort().join('\0') === key;
  if (table.primaryKey && same(table.primaryKey.columns)) return true;
  if (table.uniques.some((u) => same(u.columns))) return true;
  return table.indexes.some(
    (i) =>
      i.unique &&
      i.where === null &&
      i.elements.every((e) => e.column !== null) &&
      same(i.elements.map((e) => e.column)),
  );
}

import { byName } from '../model/by-name.js';
import { identifierProblem } from '../model/names.js';
import type {
  CheckConstraint,
  Column,
  Index,
  IndexElement,
  PartitionOf,
  PrimaryKey,
  Table,
  UniqueConstraint,
} from '../model/types.js';
import { closest } from '../yaml/closest.js';
import type { Path } from '../yaml/yaml-source.js';
import { convertColumn } from './convert-column.js';
import { convertGrants, convertTriggers } from './convert-objects.js';
import { deferrable, fkAction } from './convert-values.js';
import type { ConvertContext, ForeignKeyDraft, NamedThing, TableDraft } from './drafts.js';
import type { RawIndex, RawIndexElement, RawTable } from './raw-model.js';
import { referencedTable } from './referenced-table.js';

/**
 * One table of a file: its columns in file order, its constraints and indexes sorted by
 * name, and every check that needs only this table (columns named by keys and indexes
 * exist, names are valid identifiers, renames do not collide).
 */
export function convertTable(
  name: string,
  raw: RawTable,
  ctx: ConvertContext,
  partition?: { readonly path: Path; readonly columns: readonly Column[]; readonly of: PartitionOf },
): TableDraft {
  const path: Path = partition?.path ?? ['tables', name];
  const report = (at: Path, message: string, hint?: string, where: 'key' | 'value' = 'key') =>
    ctx.report(ctx.source.diagnostic(at, message, hint, where));
  const nameProblem = identifierProblem(name);
  if (nameProblem) report(path, `table name ${JSON.stringify(name)} ${nameProblem}`);
  if (raw.renamedFrom === name) report([...path, 'renamedFrom'], `table ${name} is renamed from itself`);

  const columns: Column[] = [];
  const uniques: UniqueConstraint[] = [];
  const checks: CheckConstraint[] = [];
  const foreignKeys: ForeignKeyDraft[] = [];
  const names: NamedThing[] = [];
  const columnNamed: NamedThing[] = [];
  // A partition's columns are its parent's.
  if (partition) columns.push(...partition.columns);
  for (const [columnName, rawColumn] of Object.entries(partition ? {} : raw.columns)) {
    const converted = convertColumn(name, columnName, rawColumn, ctx);
    columns.push(converted.column);
    uniques.push(...converted.uniques);
    checks.push(...converted.checks);
    if (converted.foreignKey) foreignKeys.push(converted.foreignKey);
    columnNamed.push(...converted.names);
  }
  const columnNames = new Set(columns.map((c) => c.name));
  checkRenamedColumns(name, raw, columnNames, ctx);

  /** Report a column that the table does not have, at the place that names it. */
  const requireColumn = (column: string, at: Path, what: string) => {
    if (columnNames.has(column)) return;
    const near = closest(column, columnNames);
    report(
      at,
      `${what} names column ${column}, which table ${name} does not have`,
      near ? `did you mean ${near}?` : `its columns: ${[...columnNames].join(', ')}`,
      'value',
    );
  };
  const requireColumns = (listed: readonly string[], at: Path, what: string) => {
    for (const [i, column] of listed.entries()) requireColumn(column, [...at, i], what);
  };
  const named = (thing: Omit<NamedThing, 'source'>) => {
    const problem = identifierProblem(thing.name);
    if (problem) report(thing.path, `${thing.kind} name ${JSON.stringify(thing.name)} ${problem}`);
    names.push({ ...thing, source: ctx.source });
  };
  for (const thing of columnNamed) named(thing);

  let primaryKey: PrimaryKey | null = null;
  if (raw.primaryKey !== undefined) {
    const pk = Array.isArray(raw.primaryKey) ? { columns: raw.primaryKey } : raw.primaryKey;
    const pkPath: Path = Array.isArray(raw.primaryKey) ? [...path, 'primaryKey'] : [...path, 'primaryKey', 'columns'];
    requireColumns(pk.columns, pkPath, 'the primary key');
    pk.columns.forEach((column, i) => {
      if (columns.find((c) => c.name === column)?.nullable) {
        report(
          [...pkPath, i],
          `primary key column ${name}.${column} cannot be nullable`,
          'Postgres makes primary key columns NOT NULL; remove `nullable: true`',
        );
      }
    });
    if (pk.name !== undefined) named({ path: [...path, 'primaryKey', 'name'], name: pk.name, kind: 'primary key' });
    primaryKey = { name: pk.name ?? null, columns: pk.columns };
  }

  for (const [uniqueName, rawUnique] of Object.entries(raw.unique ?? {})) {
    const u = Array.isArray(rawUnique)
      ? { columns: rawUnique, deferrable: undefined, nullsNotDistinct: false }
      : rawUnique;
    const at: Path = [...path, 'unique', uniqueName];
    requireColumns(u.columns, Array.isArray(rawUnique) ? at : [...at, 'columns'], `unique constraint ${uniqueName}`);
    named({ path: at, name: uniqueName, kind: 'unique constraint' });
    uniques.push({
      kind: 'unique',
      name: uniqueName,
      columns: u.columns,
      deferrable: deferrable(u.deferrable),
      ...(u.nullsNotDistinct ? { nullsNotDistinct: true } : {}),
    });
  }

  for (const [checkName, expression] of Object.entries(raw.checks ?? {})) {
    named({ path: [...path, 'checks', checkName], name: checkName, kind: 'check constraint' });
    checks.push({ kind: 'check', name: checkName, expression });
  }

  for (const [fkName, rawFk] of Object.entries(raw.foreignKeys ?? {})) {
    const at: Path = [...path, 'foreignKeys', fkName];
    requireColumns(rawFk.columns, [...at, 'columns'], `foreign key ${fkName}`);
    named({ path: at, name: fkName, kind: 'foreign key' });
    const given = rawFk.references.columns !== undefined;
    foreignKeys.push({
      source: ctx.source,
      path: at,
      fk: {
        kind: 'foreignKey',
        name: fkName,
        columns: rawFk.columns,
        refTable: referencedTable(rawFk.references.table, ctx.scope),
        refColumns: rawFk.references.columns ?? [],
        onDelete: fkAction(rawFk.onDelete),
        onUpdate: fkAction(rawFk.onUpdate),
        deferrable: deferrable(rawFk.deferrable),
      },
      refColumnsGiven: given,
      writtenTable: rawFk.references.table,
      tablePath: [...at, 'references', 'table'],
      columnsPath: [...at, 'references', given ? 'columns' : 'table'],
    });
  }

  const indexes: Index[] = [];
  for (const [indexName, rawIndex] of Object.entries(raw.indexes ?? {})) {
    const at: Path = [...path, 'indexes', indexName];
    named({ path: at, name: indexName, kind: 'index' });
    indexes.push(convertIndex(indexName, rawIndex, at, ctx, requireColumn));
  }

  const table: Table = {
    kind: 'table',
    name,
    columns,
    primaryKey,
    uniques: byName(uniques),
    checks: byName(checks),
    foreignKeys: [],
    indexes: byName(indexes),
    triggers: convertTriggers(name, raw.triggers ?? {}, ctx, [...path, 'triggers']),
    grants: convertGrants(raw.grants),
    rowLevelSecurity: raw.rowLevelSecurity === true || raw.rowLevelSecurity === 'force',
    forceRowLevelSecurity: raw.rowLevelSecurity === 'force',
    policies: byName(
      Object.entries(raw.policies ?? {}).map(([policyName, p]) => ({
        kind: 'policy' as const,
        name: policyName,
        command: p.command ?? 'all',
        permissive: !p.restrictive,
        roles: [...new Set((p.roles ?? ['public']).map((r) => (r.toLowerCase() === 'public' ? 'public' : r)))].sort(),
        using: p.using ?? null,
        check: p.check ?? null,
      })),
    ),
    exclusions: byName(
      Object.entries(raw.exclusions ?? {}).map(([exclusionName, definition]) => {
        named({ path: [...path, 'exclusions', exclusionName], name: exclusionName, kind: 'exclusion constraint' });
        return {
          kind: 'exclusion' as const,
          name: exclusionName,
          definition: definition.trim().replace(/^EXCLUDE\s+/i, ''),
        };
      }),
    ),
    comment: raw.comment ?? null,
    partitionBy: partition ? null : (raw.partitionBy?.trim() ?? null),
    partitionOf: partition?.of ?? null,
    ...(raw.renamedFrom !== undefined && raw.renamedFrom !== name ? { hints: { renamedFrom: raw.renamedFrom } } : {}),
  };
  return { source: ctx.source, path, table, foreignKeys, names };
}

export function convertIndex(
  name: string,
  raw: RawIndex,
  path: Path,
  ctx: ConvertContext,
  requireColumn: (column: string, at: Path, what: string) => void,
): Index {
  const elements = raw.columns.map((element, i) => indexElement(element, [...path, 'columns', i], ctx));
  raw.columns.forEach((element, i) => {
    if (typeof element === 'string') requireColumn(element, [...path, 'columns', i], `index ${name}`);
    else if (element.column !== undefined)
      requireColumn(element.column, [...path, 'columns', i, 'column'], `index ${name}`);
  });
  for (const [i, column] of (raw.include ?? []).entries()) {
    requireColumn(column, [...path, 'include', i], `the INCLUDE list of index ${name}`);
  }
  if (raw.nullsNotDistinct && !raw.unique) {
    ctx.report(
      ctx.source.diagnostic(
        [...path, 'nullsNotDistinct'],
        `index ${name} says nullsNotDistinct but is not unique`,
        'add `unique: true`, or remove nullsNotDistinct (it means something only for a unique index)',
      ),
    );
  }
  return {
    kind: 'index',
    name,
    unique: raw.unique ?? false,
    method: (raw.method ?? 'btree').toLowerCase(),
    elements,
    include: raw.include ?? [],
    where: raw.where ?? null,
    ...(raw.nullsNotDistinct ? { nullsNotDistinct: true } : {}),
    ...(raw.concurrently ? { concurrently: true } : {}),
  };
}

function indexElement(raw: RawIndexElement, path: Path, ctx: ConvertContext): IndexElement {
  if (typeof raw === 'string') {
    return { column: raw, expression: null, order: 'asc', nulls: 'last', opclass: null, collation: null };
  }
  if ((raw.column === undefined) === (raw.expression === undefined)) {
    ctx.report(
      ctx.source.diagnostic(
        path,
        raw.column === undefined
          ? 'an index entry needs `column` or `expression`'
          : 'an index entry has either `column` or `expression`, not both',
        'write a column name, { column: NAME, order: desc } or { expression: lower(email) }',
        'value',
      ),
    );
  }
  const order = raw.order ?? 'asc';
  return {
    column: raw.column ?? null,
    expression: raw.expression ?? null,
    order,
    // Postgres' default: NULLS LAST for ASC, NULLS FIRST for DESC.
    nulls: raw.nulls ?? (order === 'desc' ? 'first' : 'last'),
    opclass: raw.opclass ?? null,
    collation: raw.collation ?? null,
  };
}

function checkRenamedColumns(
  table: string,
  raw: RawTable,
  columnNames: ReadonlySet<string>,
  ctx: ConvertContext,
): void {
  const from = new Map<string, string>();
  for (const [column, rawColumn] of Object.entries(raw.columns)) {
    const old = rawColumn.renamedFrom;
    if (old === undefined || old === column) continue;
    const at: Path = ['tables', table, 'columns', column, 'renamedFrom'];
    if (columnNames.has(old)) {
      ctx.report(
        ctx.source.diagnostic(
          at,
          `column ${table}.${column} is renamed from ${old}, but table ${table} still has a column ${old}`,
          'a rename needs the old name to be gone; drop `renamedFrom` or rename the other column',
          'value',
        ),
      );
    }
    const other = from.get(old);
    if (other !== undefined) {
      ctx.report(
        ctx.source.diagnostic(
          at,
          `columns ${other} and ${column} of table ${table} are both renamed from ${old}`,
          undefined,
          'value',
        ),
      );
    }
    from.set(old, column);
  }
}

/**
 * A table and, when it is partitioned, its partitions (`partitions:` under it): tables of
 * their own whose columns are the parent's, with their own bound, keys, indexes and triggers.
 */
export function convertTableWithPartitions(name: string, raw: RawTable, ctx: ConvertContext): TableDraft[] {
  const parent = convertTable(name, raw, ctx);
  const partitions = Object.entries(raw.partitions ?? {});
  if (partitions.length > 0 && raw.partitionBy === undefined) {
    ctx.report(
      ctx.source.diagnostic(
        ['tables', name, 'partitions'],
        `table ${name} has partitions but no partitionBy`,
        'say how it is partitioned, e.g. partitionBy: RANGE (created_at)',
      ),
    );
  }
  // A partition inherits its columns (types, defaults, NOT NULL); comments and hints stay with the parent.
  const columns = parent.table.columns.map(({ hints: _h, ...c }) => ({ ...c, comment: null }));
  return [
    parent,
    ...partitions.map(([partitionName, p]) => {
      const path: Path = ['tables', name, 'partitions', partitionName];
      const both = p.values !== undefined && p.default === true;
      if (both || (p.values === undefined && p.default !== true)) {
        ctx.report(
          ctx.source.diagnostic(
            path,
            both
              ? `partition ${partitionName} has both \`values\` and \`default\``
              : `partition ${partitionName} needs \`values\` (or \`default: true\`)`,
            "e.g. values: FROM ('2024-01-01') TO ('2024-02-01'), values: IN ('eu'), or default: true",
          ),
        );
      }
      const bound =
        p.default === true ? 'DEFAULT' : `FOR VALUES ${(p.values ?? '').trim().replace(/^FOR\s+VALUES\s+/i, '')}`;
      const { values: _v, default: _d, ...rest } = p;
      return convertTable(partitionName, { ...rest, columns: {} }, ctx, { path, columns, of: { parent: name, bound } });
    }),
  ];
}

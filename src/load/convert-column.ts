import { identifierProblem } from '../model/names.js';
import type { CheckConstraint, Column, ColumnHints, UniqueConstraint } from '../model/types.js';
import { deferrable, fkAction, literalOrSql } from './convert-values.js';
import type { ConvertContext, ForeignKeyDraft, NamedThing } from './drafts.js';
import type { RawColumn } from './raw-model.js';
import { referencedTable } from './referenced-table.js';

export interface ConvertedColumn {
  readonly column: Column;
  /** Constraints from the column shorthands `unique`, `check` and `references`. */
  readonly uniques: readonly UniqueConstraint[];
  readonly checks: readonly CheckConstraint[];
  readonly foreignKey: ForeignKeyDraft | null;
  readonly names: readonly NamedThing[];
}

const SERIAL = new Set(['serial', 'serial4', 'bigserial', 'serial8', 'smallserial', 'serial2']);

/** A column of `table` and the one-column constraints written on it. */
export function convertColumn(table: string, name: string, raw: RawColumn, ctx: ConvertContext): ConvertedColumn {
  const path = ['tables', table, 'columns', name];
  const report = (message: string, hint?: string, at: readonly (string | number)[] = path) =>
    ctx.report(ctx.source.diagnostic(at, message, hint));

  const problem = identifierProblem(name);
  if (problem) report(`column name ${JSON.stringify(name)} ${problem}`);

  const type = raw.type.trim();
  const isSerial = SERIAL.has(type.toLowerCase());
  if (raw.identity && raw.default !== undefined && raw.default !== null) {
    report(
      `column ${table}.${name} has both \`identity\` and \`default\``,
      'an identity column gets its values from its sequence; remove one',
    );
  }
  if (raw.generated && (raw.identity || (raw.default !== undefined && raw.default !== null))) {
    report(`generated column ${table}.${name} cannot also have \`identity\` or \`default\``);
  }
  if (raw.identity && raw.nullable) {
    report(
      `identity column ${table}.${name} cannot be nullable`,
      'Postgres makes identity columns NOT NULL; remove `nullable: true`',
    );
  }
  if (isSerial && (raw.identity || (raw.default !== undefined && raw.default !== null))) {
    report(
      `${type} column ${table}.${name} cannot have \`identity\` or \`default\``,
      `a ${type} column takes its default from its own sequence`,
    );
  }

  const hints: { -readonly [K in keyof ColumnHints]: ColumnHints[K] } = {};
  if (raw.renamedFrom !== undefined) {
    if (raw.renamedFrom === name)
      report(`column ${table}.${name} is renamed from itself`, undefined, [...path, 'renamedFrom']);
    else hints.renamedFrom = raw.renamedFrom;
  }
  if (raw.using !== undefined) hints.using = raw.using;
  const backfill = literalOrSql(raw.backfill, [...path, 'backfill'], ctx);
  if (backfill !== null) hints.backfill = backfill;

  const column: Column = {
    name,
    type,
    nullable: raw.nullable ?? false,
    default: literalOrSql(raw.default, [...path, 'default'], ctx),
    identity: raw.identity ?? null,
    generated: raw.generated?.sql ?? null,
    collation: raw.collation ?? null,
    comment: raw.comment ?? null,
    ...(Object.keys(hints).length > 0 ? { hints } : {}),
  };

  const uniques: UniqueConstraint[] = raw.unique
    ? [{ kind: 'unique', name: null, columns: [name], deferrable: 'not deferrable' }]
    : [];
  const checks: CheckConstraint[] =
    raw.check !== undefined ? [{ kind: 'check', name: null, expression: raw.check }] : [];

  let foreignKey: ForeignKeyDraft | null = null;
  const names: NamedThing[] = [];
  const ref = raw.references;
  if (ref) {
    const refPath = [...path, 'references'];
    foreignKey = {
      source: ctx.source,
      path: refPath,
      fk: {
        kind: 'foreignKey',
        name: ref.name ?? null,
        columns: [name],
        refTable: referencedTable(ref.table, ctx.scope),
        refColumns: ref.column !== undefined ? [ref.column] : [],
        onDelete: fkAction(ref.onDelete),
        onUpdate: fkAction(ref.onUpdate),
        deferrable: deferrable(ref.deferrable),
      },
      refColumnsGiven: ref.column !== undefined,
      writtenTable: ref.table,
      tablePath: [...refPath, 'table'],
      columnsPath: [...refPath, ref.column !== undefined ? 'column' : 'table'],
    };
    if (ref.name !== undefined)
      names.push({ source: ctx.source, path: [...refPath, 'name'], name: ref.name, kind: 'foreign key' });
  }
  return { column, uniques, checks, foreignKey, names };
}

import { DEFAULT_ROUTINE_GRANTS } from '../model/build.js';
import { byName } from '../model/by-name.js';
import { identifierProblem } from '../model/names.js';
import type { CheckConstraint, CompositeType, Domain, Grant, Index, Routine, Trigger, View } from '../model/types.js';
import type { Path } from '../yaml/yaml-source.js';
import { convertIndex } from './convert-table.js';
import { literalOrSql } from './convert-values.js';
import type { ConvertContext } from './drafts.js';
import type { RawCompositeType, RawDomain, RawGrants, RawIndex, RawSql } from './raw-model.js';

/** SQL as written, without surrounding blanks and a final `;` (the planner ends statements). */
export const statementText = (sql: string): string => sql.trim().replace(/;\s*$/, '').trimEnd();

function checkName(kind: string, name: string, path: Path, ctx: ConvertContext): void {
  const problem = identifierProblem(name);
  if (problem) ctx.report(ctx.source.diagnostic(path, `${kind} name ${JSON.stringify(name)} ${problem}`));
}

/** A composite type: `{ attributes: { name: type | { type, collation } }, comment? }`. */
export function convertCompositeType(name: string, raw: RawCompositeType, ctx: ConvertContext): CompositeType {
  const path: Path = ['types', name];
  checkName('type', name, path, ctx);
  const attributes = Object.entries(raw.attributes).map(([attribute, a]) => {
    checkName('attribute', attribute, [...path, 'attributes', attribute], ctx);
    return typeof a === 'string'
      ? { name: attribute, type: a.trim(), collation: null }
      : { name: attribute, type: a.type.trim(), collation: a.collation ?? null };
  });
  return { kind: 'composite', name, attributes, comment: raw.comment ?? null };
}

/** A domain: `{ type, notNull?, default?, collation?, check?, checks?, comment? }`. */
export function convertDomain(name: string, raw: RawDomain, ctx: ConvertContext): Domain {
  const path: Path = ['domains', name];
  checkName('domain', name, path, ctx);
  const checks: CheckConstraint[] = Object.entries(raw.checks ?? {}).map(([checkName, expression]) => ({
    kind: 'check',
    name: checkName,
    expression,
  }));
  if (raw.check !== undefined) checks.push({ kind: 'check', name: null, expression: raw.check });
  return {
    kind: 'domain',
    name,
    type: raw.type.trim(),
    notNull: raw.notNull ?? false,
    default: literalOrSql(raw.default, [...path, 'default'], ctx),
    collation: raw.collation ?? null,
    checks: byName(checks),
    comment: raw.comment ?? null,
  };
}

const ROUTINE = /^CREATE\s+(OR\s+REPLACE\s+)?(FUNCTION|PROCEDURE|AGGREGATE)\s/i;

/** A function, procedure or aggregate: `{ sql: CREATE FUNCTION ..., comment? }`, keyed by `name(args)` or name. */
export function convertRoutine(name: string, raw: RawSql & { grants?: RawGrants }, ctx: ConvertContext): Routine {
  const path: Path = ['functions', name];
  const definition = statementText(raw.sql);
  if (!ROUTINE.test(definition)) {
    ctx.report(
      ctx.source.diagnostic(
        [...path, 'sql'],
        `function ${name} must be one CREATE FUNCTION, CREATE PROCEDURE or CREATE AGGREGATE statement`,
        'write the whole statement, e.g. CREATE FUNCTION f(a integer) RETURNS integer LANGUAGE sql AS $$ SELECT a $$',
        'value',
      ),
    );
  }
  return {
    kind: 'function',
    name,
    definition,
    // Without `grants`, Postgres' default: PUBLIC may execute it.
    grants: raw.grants === undefined ? DEFAULT_ROUTINE_GRANTS : convertGrants(raw.grants, ROUTINE_PRIVILEGES),
    comment: raw.comment ?? null,
  };
}

/** A view or materialized view: `{ sql: SELECT ..., comment? }` (and `indexes` for a materialized one). */
export function convertView(
  name: string,
  raw: RawSql & { indexes?: Record<string, RawIndex>; grants?: RawGrants },
  materialized: boolean,
  ctx: ConvertContext,
): View {
  const section = materialized ? 'materializedViews' : 'views';
  const path: Path = [section, name];
  checkName(materialized ? 'materialized view' : 'view', name, path, ctx);
  const definition = statementText(raw.sql);
  if (/^CREATE\s/i.test(definition)) {
    ctx.report(
      ctx.source.diagnostic(
        [...path, 'sql'],
        `the sql of ${materialized ? 'materialized view' : 'view'} ${name} is its query, not a CREATE statement`,
        'write the SELECT alone: the key names the view',
        'value',
      ),
    );
  }
  const indexes: Index[] = Object.entries(raw.indexes ?? {}).map(([indexName, rawIndex]) => {
    const at: Path = [...path, 'indexes', indexName];
    checkName('index', indexName, at, ctx);
    // The view's columns are known only to Postgres, which checks them when it builds the index.
    return convertIndex(indexName, rawIndex, at, ctx, () => {});
  });
  return {
    kind: 'view',
    name,
    materialized,
    definition,
    indexes: byName(indexes),
    grants: convertGrants(raw.grants),
    comment: raw.comment ?? null,
  };
}

const TABLE_PRIVILEGES = ['select', 'insert', 'update', 'delete', 'truncate', 'references', 'trigger'];
export const SEQUENCE_PRIVILEGES = ['select', 'update', 'usage'];
const ROUTINE_PRIVILEGES = ['execute'];

/**
 * `role: [select, insert]` (or `all`) → grants, privileges lower case and sorted, roles
 * sorted; `public` (any case) is everyone. A role given nothing is left out.
 */
export function convertGrants(
  raw: Record<string, string[] | 'all'> | undefined,
  all: readonly string[] = TABLE_PRIVILEGES,
): Grant[] {
  return byName(
    Object.entries(raw ?? {})
      .map(([role, privileges]) => ({
        kind: 'grant' as const,
        name: role.toLowerCase() === 'public' ? 'public' : role,
        privileges: [...new Set(privileges === 'all' ? all : privileges.map((p) => p.toLowerCase()))].sort(),
      }))
      .filter((g) => g.privileges.length > 0),
  );
}

const TRIGGER = /^CREATE\s+(OR\s+REPLACE\s+)?(CONSTRAINT\s+)?TRIGGER\s/i;

/** The triggers of a table: name → `{ sql: CREATE TRIGGER ..., comment? }`. */
export function convertTriggers(
  table: string,
  raw: Record<string, RawSql>,
  ctx: ConvertContext,
  at: Path = ['tables', table, 'triggers'],
): Trigger[] {
  return byName(
    Object.entries(raw).map(([name, t]): Trigger => {
      const path: Path = [...at, name];
      checkName('trigger', name, path, ctx);
      const definition = statementText(t.sql);
      if (!TRIGGER.test(definition)) {
        ctx.report(
          ctx.source.diagnostic(
            [...path, 'sql'],
            `trigger ${name} must be one CREATE TRIGGER statement`,
            `e.g. CREATE TRIGGER ${name} BEFORE UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION f()`,
            'value',
          ),
        );
      }
      return { kind: 'trigger', name, definition, comment: t.comment ?? null };
    }),
  );
}

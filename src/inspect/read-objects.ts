import type pg from 'pg';
import { byName } from '../model/by-name.js';
import type {
  CompositeType,
  Domain,
  ExclusionConstraint,
  Grant,
  Policy,
  Routine,
  Trigger,
  View,
} from '../model/types.js';
import { printedIn } from './printed-in.js';
import { TEXT_OBJECT_QUERIES, type TextObject, textObjectOf } from './read-text-objects.js';
import { type CatalogScope, extensionMember, inSchema, objectParams, SCHEMAS } from './scope.js';

/**
 * Domains, routines, views and triggers: the objects the model keeps as SQL text, read in
 * one query (each kind costs a round trip and a plan otherwise). Objects that belong to an
 * extension come and go with it and are left out.
 */
export interface InspectedObjects {
  readonly types: readonly { schema: string; type: CompositeType }[];
  readonly domains: readonly { schema: string; domain: Domain }[];
  readonly routines: readonly { schema: string; routine: Routine }[];
  readonly views: readonly { schema: string; view: View }[];
  readonly triggers: readonly { schema: string; table: string; trigger: Trigger }[];
  readonly exclusions: readonly { schema: string; table: string; exclusion: ExclusionConstraint }[];
  readonly policies: readonly { schema: string; table: string; policy: Policy }[];
  /** Grants on tables and views (`relation`). */
  readonly grants: readonly { schema: string; relation: string; grant: Grant }[];
  /** Collations and text search objects (see read-text-objects.ts). */
  readonly textObjects: readonly { schema: string; object: TextObject }[];
}

interface Row {
  readonly schema: string;
  readonly kind: string;
  /** The table of a trigger. */
  readonly owner: string | null;
  readonly name: string;
  // biome-ignore lint/suspicious/noExplicitAny: JSON built by the query, one shape per kind.
  readonly data: any;
}

/**
 * One kind of object: its columns (kind, owner, name, data) and the FROM items (with WHERE)
 * that find its rows in the schema `n`, printing under `s.search_path`. The inspector and
 * drift fingerprints join each to the schemas (see `joinedToSchemas`).
 */
export interface ObjectQuery {
  readonly select: string;
  readonly from: string;
}

const comment = (catalog: string, oid: string) =>
  `(SELECT d.description FROM pg_description d WHERE d.objoid = ${oid} AND d.classoid = '${catalog}'::regclass AND d.objsubid = 0)`;

const regproc = (oid: string) => `(${printedIn(oid)})::regproc::text`;

// A domain's checks are pg_constraint rows with contypid set (conrelid 0); their expressions
// read VALUE, which pg_get_expr prints as such. PG 17 also keeps the domain's NOT NULL as a
// constraint row ('n'), which typnotnull already says. A collation is reported when it
// differs from the base type's, as for columns.
const DOMAINS: ObjectQuery = {
  select: `'domain' AS kind, NULL::text AS owner, t.typname::text AS name, json_build_object(
    'type', format_type(${printedIn('t.typbasetype')}, t.typtypmod),
    'notNull', t.typnotnull,
    'default', pg_get_expr(t.typdefaultbin, ${printedIn('0')}),
    'collation', CASE WHEN t.typcollation <> b.typcollation
                      THEN (SELECT co.collname::text FROM pg_collation co WHERE co.oid = t.typcollation) END,
    'comment', ${comment('pg_type', 't.oid')},
    'checks', COALESCE((SELECT json_agg(json_build_object('name', k.conname::text,
                          'expression', pg_get_expr(k.conbin, ${printedIn('0')})) ORDER BY k.conname)
                        FROM pg_constraint k WHERE k.contypid = t.oid AND k.contype = 'c'), '[]')) AS data`,
  from: `pg_type t JOIN pg_type b ON b.oid = t.typbasetype
  WHERE ${inSchema('t', 'typnamespace')} AND t.typtype = 'd' AND NOT ${extensionMember('pg_type', 't.oid')}`,
};

// A composite type is a pg_type row ('c') whose pg_class row is a stand-alone composite
// ('c', not a table's or view's row type); its attributes are that row's pg_attribute rows.
const TYPES: ObjectQuery = {
  select: `'type', NULL, t.typname::text, json_build_object(
    'comment', ${comment('pg_type', 't.oid')},
    'attributes', COALESCE((SELECT json_agg(json_build_object(
        'name', a.attname::text,
        'type', format_type(${printedIn('a.atttypid')}, a.atttypmod),
        'collation', CASE WHEN a.attcollation <> at.typcollation
                          THEN (SELECT co.collname::text FROM pg_collation co WHERE co.oid = a.attcollation) END)
      ORDER BY a.attnum)
      FROM pg_attribute a JOIN pg_type at ON at.oid = a.atttypid
      WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped), '[]'))`,
  from: `pg_type t JOIN pg_class r ON r.oid = t.typrelid AND r.relkind = 'c'
  WHERE ${inSchema('t', 'typnamespace')} AND t.typtype = 'c' AND NOT ${extensionMember('pg_type', 't.oid')}`,
};

// pg_get_functiondef refuses aggregates; their CREATE AGGREGATE is built from pg_aggregate
// (the plain options: SFUNC, STYPE, FINALFUNC, COMBINEFUNC, INITCOND, SORTOP).
const AGGREGATE = `'CREATE OR REPLACE AGGREGATE ' || quote_ident(p.proname) || '(' ||
    pg_get_function_arguments(${printedIn('p.oid')}) || ') (SFUNC = ' || ${regproc('a.aggtransfn')} ||
    ', STYPE = ' || format_type(${printedIn('a.aggtranstype')}, NULL) ||
    CASE WHEN a.aggfinalfn <> 0 THEN ', FINALFUNC = ' || ${regproc('a.aggfinalfn')} ELSE '' END ||
    CASE WHEN a.aggcombinefn <> 0 THEN ', COMBINEFUNC = ' || ${regproc('a.aggcombinefn')} ELSE '' END ||
    CASE WHEN a.agginitval IS NOT NULL THEN ', INITCOND = ' || quote_literal(a.agginitval) ELSE '' END ||
    CASE WHEN a.aggsortop <> 0 THEN ', SORTOP = OPERATOR(' || (${printedIn('a.aggsortop')})::regoperator::text || ')' ELSE '' END ||
    ')'`;

// The identity (regprocedure: name and argument types) and the definition print names
// unqualified when the search_path sees them (printedIn), except the routine's own name,
// which pg_get_functiondef always qualifies: it is cut off in JavaScript, where the quoted
// schema name it used is known.
// proacl is NULL while a routine has Postgres' default privileges (EXECUTE for PUBLIC); once
// anything is granted or revoked it lists the owner too, whose privileges are implicit.
const ROUTINE_GRANTS = `CASE WHEN p.proacl IS NULL THEN json_build_array(json_build_object('role', 'public', 'privileges', json_build_array('execute')))
    ELSE (SELECT coalesce(json_agg(json_build_object('role', g.role, 'privileges', g.privileges)), '[]'::json) FROM (
      SELECT CASE WHEN a.grantee = 0 THEN 'public' ELSE pg_get_userbyid(a.grantee)::text END AS role,
             json_agg(lower(a.privilege_type)) AS privileges
      FROM aclexplode(p.proacl) a WHERE a.grantee <> p.proowner GROUP BY a.grantee) g) END`;

const ROUTINES: ObjectQuery = {
  select: `'function', NULL, (${printedIn('p.oid')})::regprocedure::text, json_build_object(
    'definition', CASE WHEN p.prokind = 'a' THEN ${AGGREGATE} ELSE pg_get_functiondef(${printedIn('p.oid')}) END,
    'quotedSchema', quote_ident(n.nspname),
    'grants', ${ROUTINE_GRANTS},
    'comment', ${comment('pg_proc', 'p.oid')})`,
  from: `pg_proc p LEFT JOIN pg_aggregate a ON a.aggfnoid = p.oid
  WHERE p.pronamespace = n.oid
    AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_proc'::regclass AND e.objid = p.oid AND e.deptype = 'e')`,
};

// pg_get_viewdef (not pretty, as pg_dump prints it) names a relation unqualified when it is
// visible in the search_path it runs under. It ends the query with `;`, which the model
// leaves out.
const VIEWS: ObjectQuery = {
  select: `'view', NULL, c.relname::text, json_build_object(
    'materialized', c.relkind = 'm',
    'definition', pg_get_viewdef(${printedIn('c.oid')}),
    'comment', ${comment('pg_class', 'c.oid')})`,
  from: `pg_class c
  WHERE ${inSchema('c')} AND c.relkind IN ('v', 'm') AND NOT ${extensionMember('pg_class', 'c.oid')}`,
};

// pg_get_triggerdef qualifies the table unless asked for pretty output, which names it (and
// the function) unqualified when the search_path sees them. Internal triggers (foreign
// keys, deferred uniques) are the constraints' own; clones on partitions (tgparentid) are
// the parent's.
const TRIGGERS: ObjectQuery = {
  select: `'trigger', c.relname::text, t.tgname::text, json_build_object(
    'definition', pg_get_triggerdef(${printedIn('t.oid')}, true),
    'comment', ${comment('pg_trigger', 't.oid')})`,
  from: `pg_class c JOIN pg_trigger t ON t.tgrelid = c.oid AND NOT t.tgisinternal AND t.tgparentid = 0
  WHERE ${inSchema('c')} AND c.relkind IN ('r', 'p') AND NOT c.relispartition
    AND NOT ${extensionMember('pg_class', 'c.oid')}`,
};

// pg_get_constraintdef prints `EXCLUDE USING ...`; the model keeps what follows EXCLUDE.
// A partition's exclusion constraints that are its parent's clones (conparentid) are the
// parent's.
const EXCLUSIONS: ObjectQuery = {
  select: `'exclusion', c.relname::text, k.conname::text, json_build_object(
    'definition', pg_get_constraintdef(${printedIn('k.oid')}))`,
  from: `pg_class c JOIN pg_constraint k ON k.conrelid = c.oid AND k.contype = 'x' AND k.conparentid = 0
  WHERE ${inSchema('c')} AND c.relkind IN ('r', 'p') AND NOT ${extensionMember('pg_class', 'c.oid')}`,
};

// polroles holds role OIDs, 0 for PUBLIC; the model sorts the names.
const POLICIES: ObjectQuery = {
  select: `'policy', c.relname::text, p.polname::text, json_build_object(
    'command', p.polcmd::text,
    'permissive', p.polpermissive,
    'roles', ARRAY(SELECT CASE WHEN r = 0 THEN 'public' ELSE pg_get_userbyid(r)::text END
                   FROM unnest(p.polroles) AS r ORDER BY 1),
    'using', pg_get_expr(p.polqual, ${printedIn('p.polrelid')}),
    'check', pg_get_expr(p.polwithcheck, ${printedIn('p.polrelid')}))`,
  from: `pg_class c JOIN pg_policy p ON p.polrelid = c.oid
  WHERE ${inSchema('c')} AND c.relkind IN ('r', 'p') AND NOT ${extensionMember('pg_class', 'c.oid')}`,
};

// relacl lists the owner too once anything is granted; the owner's privileges are implicit
// and left out. Grantee 0 is PUBLIC. Sequences: the model keeps the grants of standalone
// ones; those of a serial or identity column's sequence are listed as not modelled.
const GRANTS: ObjectQuery = {
  select: `'grant', c.relname::text, g.role, json_build_object('privileges', g.privileges)`,
  from: `pg_class c
  CROSS JOIN LATERAL (
    SELECT CASE WHEN a.grantee = 0 THEN 'public' ELSE pg_get_userbyid(a.grantee)::text END AS role,
           json_agg(lower(a.privilege_type)) AS privileges
    FROM aclexplode(c.relacl) a
    WHERE a.grantee <> c.relowner
    GROUP BY a.grantee
  ) g
  WHERE ${inSchema('c')} AND c.relkind IN ('r', 'p', 'v', 'm', 'S') AND c.relacl IS NOT NULL
    AND NOT ${extensionMember('pg_class', 'c.oid')}`,
};

const COMMANDS: Record<string, Policy['command']> = { '*': 'all', r: 'select', a: 'insert', w: 'update', d: 'delete' };

/** Each kind's query, one row per object. */
export const OBJECT_QUERIES: readonly ObjectQuery[] = [
  DOMAINS,
  TYPES,
  ROUTINES,
  VIEWS,
  TRIGGERS,
  EXCLUSIONS,
  POLICIES,
  GRANTS,
  ...TEXT_OBJECT_QUERIES,
];

/**
 * `q` as a query of its own over every schema of the scope: `(schema, kind, owner, name,
 * data)`. Each kind is joined to the schemas, not run under a LATERAL per schema: the
 * planner cannot turn a LATERAL subquery that prints (`printedIn` is volatile) into a join,
 * so there each catalog was read once per schema, quadratic in the schemas (101 schemas of
 * a 10,000-tenant database took 91 s). Joined, each catalog is read once; the rows are
 * sorted by schema before they are printed (Postgres evaluates a volatile target list
 * after the sort), so the search path changes once per schema.
 */
export const joinedToSchemas = (q: ObjectQuery): string =>
  `SELECT s.nspname AS schema, ${q.select}\n  FROM ${SCHEMAS}\n  CROSS JOIN ${q.from}\n  ORDER BY s.nspname`;

/** The catalog query behind this reader (`$1` schema names, `$2` their search paths, `$3` see `inSchema`). */
export const SQL = `
SELECT o.schema, o.kind, o.owner, o.name, o.data
FROM (${OBJECT_QUERIES.map((q) => `\n  (${joinedToSchemas(q)})`).join('\n  UNION ALL')}
) o(schema, kind, owner, name, data)
ORDER BY 1, 2, 3, 4`;

/** The domains, routines, views (without their indexes) and triggers of every schema in the scope. */
export async function readObjects(client: pg.ClientBase, scope: CatalogScope): Promise<InspectedObjects> {
  const { rows } = await client.query<Row>(SQL, objectParams(scope));
  const out = {
    types: [],
    domains: [],
    routines: [],
    views: [],
    triggers: [],
    exclusions: [],
    policies: [],
    grants: [],
    textObjects: [],
  } as {
    -readonly [K in keyof InspectedObjects]: InspectedObjects[K][number][];
  };
  for (const { schema, kind, owner, name, data } of rows) {
    const textObject = textObjectOf(kind, name, data);
    if (textObject !== null) {
      out.textObjects.push({ schema, object: textObject });
      continue;
    }
    switch (kind) {
      case 'type':
        out.types.push({
          schema,
          type: { kind: 'composite', name, attributes: data.attributes, comment: data.comment },
        });
        break;
      case 'domain':
        out.domains.push({
          schema,
          domain: {
            kind: 'domain',
            name,
            type: data.type,
            notNull: data.notNull,
            default: data.default,
            collation: data.collation,
            checks: (data.checks as { name: string; expression: string }[]).map((c) => ({
              kind: 'check',
              name: c.name,
              expression: c.expression,
            })),
            comment: data.comment,
          },
        });
        break;
      case 'function':
        out.routines.push({
          schema,
          routine: {
            kind: 'function',
            name,
            definition: unqualified(String(data.definition).trim(), data.quotedSchema),
            grants: byName(
              (data.grants as { role: string; privileges: string[] }[]).map((g) => ({
                kind: 'grant' as const,
                name: g.role,
                privileges: [...g.privileges].sort(),
              })),
            ),
            comment: data.comment,
          },
        });
        break;
      case 'view':
        out.views.push({
          schema,
          view: {
            kind: 'view',
            name,
            materialized: data.materialized,
            definition: String(data.definition).trim().replace(/;$/, ''),
            indexes: [],
            grants: [],
            comment: data.comment,
          },
        });
        break;
      case 'grant':
        out.grants.push({
          schema,
          relation: owner ?? '',
          grant: { kind: 'grant', name, privileges: [...(data.privileges as string[])].sort() },
        });
        break;
      case 'policy':
        out.policies.push({
          schema,
          table: owner ?? '',
          policy: {
            kind: 'policy',
            name,
            command: COMMANDS[data.command] ?? 'all',
            permissive: data.permissive,
            roles: [...(data.roles as string[])].sort(),
            using: data.using,
            check: data.check,
          },
        });
        break;
      case 'exclusion':
        out.exclusions.push({
          schema,
          table: owner ?? '',
          exclusion: { kind: 'exclusion', name, definition: String(data.definition).replace(/^EXCLUDE /, '') },
        });
        break;
      case 'trigger':
        out.triggers.push({
          schema,
          table: owner ?? '',
          trigger: { kind: 'trigger', name, definition: data.definition, comment: data.comment },
        });
        break;
    }
  }
  return out;
}

/** `CREATE OR REPLACE FUNCTION public.f(` → `CREATE OR REPLACE FUNCTION f(`. */
function unqualified(definition: string, quotedSchema: string): string {
  const head = /^CREATE OR REPLACE (FUNCTION|PROCEDURE) /.exec(definition);
  if (!head) return definition;
  const rest = definition.slice(head[0].length);
  return rest.startsWith(`${quotedSchema}.`) ? `${head[0]}${rest.slice(quotedSchema.length + 1)}` : definition;
}

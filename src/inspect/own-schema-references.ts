import type pg from 'pg';
import { routineBaseName } from '../diff/diff-objects.js';
import { mentions } from '../model/mentions.js';
import type { Model, Table } from '../model/types.js';

/** A reference to the inspected schema's own name inside SQL text of its model. */
export interface OwnSchemaReference {
  /** Where: `function f(integer)`, `table t, check c`, ... */
  readonly place: string;
  /** As written: `app.f`, `"app".t`, or `search_path` for a SET search_path that names the schema. */
  readonly reference: string;
  /** True when it was rewritten to the unqualified name; false when it stays and needs a hand. */
  readonly rewritten: boolean;
  readonly reason?: string;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `schema.` as SQL writes it: quoted exactly, or (for a plain lower-case name) bare in any case. */
function qualifierPattern(schema: string): RegExp {
  const quoted = `"${escapeRegExp(schema.replaceAll('"', '""'))}"`;
  const forms = /^[a-z_][a-z0-9_$]*$/.test(schema) ? `${quoted}|${escapeRegExp(schema)}` : quoted;
  // Not the end of a longer name or of a qualified name (`x.app.`), then the name it qualifies.
  return new RegExp(`(?<![\\w$".])(?:${forms})\\.("(?:[^"]|"")+"|[A-Za-z_][\\w$]*)`, 'gi');
}

/** The name a reference qualifies, as Postgres folds it. */
const folded = (written: string) =>
  written.startsWith('"') ? written.slice(1, -1).replaceAll('""', '"') : written.toLowerCase();

/** Every SQL text of a model, with where it is and how to replace it. */
function rewriteTexts(model: Model, f: (text: string, place: string) => string): Model {
  const opt = (text: string | null, place: string) => (text === null ? null : f(text, place));
  const table = (t: Table): Table => {
    const at = (what: string) => `table ${t.name}, ${what}`;
    return {
      ...t,
      columns: t.columns.map((c) => ({
        ...c,
        default: opt(c.default, at(`column ${c.name} default`)),
        generated: opt(c.generated, at(`column ${c.name} generated`)),
      })),
      checks: t.checks.map((c) => ({ ...c, expression: f(c.expression, at(`check ${c.name ?? ''}`)) })),
      indexes: t.indexes.map((i) => ({
        ...i,
        where: opt(i.where, at(`index ${i.name} predicate`)),
        elements: i.elements.map((e) => ({ ...e, expression: opt(e.expression, at(`index ${i.name} expression`)) })),
      })),
      triggers: t.triggers.map((tr) => ({ ...tr, definition: f(tr.definition, at(`trigger ${tr.name}`)) })),
      exclusions: t.exclusions.map((x) => ({ ...x, definition: f(x.definition, at(`exclusion ${x.name}`)) })),
      policies: t.policies.map((p) => ({
        ...p,
        using: opt(p.using, at(`policy ${p.name}`)),
        check: opt(p.check, at(`policy ${p.name}`)),
      })),
    };
  };
  return {
    ...model,
    tables: model.tables.map(table),
    domains: model.domains.map((d) => ({
      ...d,
      default: opt(d.default, `domain ${d.name} default`),
      checks: d.checks.map((c) => ({ ...c, expression: f(c.expression, `domain ${d.name} check`) })),
    })),
    functions: model.functions.map((r) => ({ ...r, definition: f(r.definition, `function ${r.name}`) })),
    views: model.views.map((v) => ({
      ...v,
      definition: f(v.definition, `view ${v.name}`),
      indexes: v.indexes.map((i) => ({
        ...i,
        where: opt(i.where, `view ${v.name}, index ${i.name} predicate`),
        elements: i.elements.map((e) => ({ ...e, expression: opt(e.expression, `view ${v.name}, index ${i.name}`) })),
      })),
    })),
  };
}

/** The names that qualified references to `schema` in `model` point at. */
export function qualifiedNames(model: Model, schema: string): Set<string> {
  const names = new Set<string>();
  const pattern = qualifierPattern(schema);
  rewriteTexts(model, (text) => {
    for (const m of text.matchAll(pattern)) names.add(folded(m[1]));
    return text;
  });
  return names;
}

/**
 * Names among `names` that pg_catalog has too (a function, relation or type): unqualified,
 * Postgres would find pg_catalog's first, since it is searched before the search path.
 */
export async function shadowedByCatalog(client: pg.ClientBase, names: readonly string[]): Promise<Set<string>> {
  if (names.length === 0) return new Set();
  const { rows } = await client.query<{ name: string }>(
    `SELECT DISTINCT x.name FROM (
       SELECT proname::text AS name FROM pg_catalog.pg_proc WHERE pronamespace = 'pg_catalog'::regnamespace
       UNION ALL SELECT relname::text FROM pg_catalog.pg_class WHERE relnamespace = 'pg_catalog'::regnamespace
       UNION ALL SELECT typname::text FROM pg_catalog.pg_type WHERE typnamespace = 'pg_catalog'::regnamespace) x
     WHERE x.name = ANY ($1::text[])`,
    [names],
  );
  return new Set(rows.map((r) => r.name));
}

/**
 * Routines that run while an index is built or a materialized view refreshed: those their
 * expressions name, and what those call in turn. Postgres 17 runs them under a search_path
 * of `pg_catalog, pg_temp` (maintenance operations), so a name in their bodies must stay
 * qualified: unqualified, it would not be found.
 */
function maintenanceRoutines(model: Model): Set<string> {
  const roots: string[] = [];
  for (const t of [...model.tables, ...model.views]) {
    for (const i of t.indexes) roots.push(i.where ?? '', ...i.elements.map((e) => e.expression ?? ''));
  }
  roots.push(...model.views.filter((v) => v.materialized).map((v) => v.definition));
  const found = new Set<string>();
  const texts = [...roots];
  while (texts.length > 0) {
    const text = texts.pop() ?? '';
    for (const r of model.functions) {
      if (found.has(r.name) || !mentions(text, routineBaseName(r.name))) continue;
      found.add(r.name);
      texts.push(r.definition);
    }
  }
  return found;
}

/**
 * A tenant template's model with the references to its own schema name (`app.f(...)` in a
 * function body, an index expression, a default) made unqualified, so that it can be made
 * in any tenant schema: with the search path a migration runs under (the tenant, then the
 * shared schema, after pg_catalog), the unqualified name finds the same object, unless
 * pg_catalog has one of that name (`shadowed`): such references stay and are reported with
 * their place, as is a routine that sets its search_path to the schema. So are the names
 * in the bodies of routines that index expressions call (see `maintenanceRoutines`).
 */
export function unqualifyOwnSchema(
  model: Model,
  schema: string,
  shadowed: ReadonlySet<string>,
): { model: Model; references: OwnSchemaReference[] } {
  const references: OwnSchemaReference[] = [];
  const pattern = qualifierPattern(schema);
  const bare = /^[a-z_][a-z0-9_$]*$/.test(schema) ? escapeRegExp(schema) : null;
  const searchPath = new RegExp(
    `SET search_path (?:TO|=)[^\\n]*(?:"${escapeRegExp(schema.replaceAll('"', '""'))}"${bare ? `|\\b${bare}\\b` : ''})`,
    'i',
  );
  const maintenance = new Set([...maintenanceRoutines(model)].map((r) => `function ${r}`));
  const rewritten = rewriteTexts(model, (text, place) => {
    const out = text.replace(pattern, (whole, name: string) => {
      if (maintenance.has(place)) {
        references.push({
          place,
          reference: whole,
          rewritten: false,
          reason:
            'an index expression calls this routine, and Postgres 17 builds indexes with search_path = pg_catalog, pg_temp, where an unqualified name is not found',
        });
        return whole;
      }
      if (shadowed.has(folded(name))) {
        references.push({
          place,
          reference: whole,
          rewritten: false,
          reason: `pg_catalog has a ${folded(name)} too, which an unqualified name would find first`,
        });
        return whole;
      }
      references.push({ place, reference: whole, rewritten: true });
      return name;
    });
    if (place.startsWith('function ') && searchPath.test(out)) {
      references.push({
        place,
        reference: 'search_path',
        rewritten: false,
        reason: `the routine sets search_path to ${schema}: in another tenant it would still read ${schema}'s objects`,
      });
    }
    return out;
  });
  return { model: rewritten, references };
}

import type {
  Collation,
  CollationProvider,
  TextSearchConfiguration,
  TextSearchDictionary,
  TextSearchOption,
} from '../model/types.js';
import { printedIn } from './printed-in.js';
import type { ObjectQuery } from './read-objects.js';
import { extensionMember } from './scope.js';

/**
 * Collations, text search dictionaries and text search configurations of the schema `n`,
 * as object queries (see `ObjectQuery`): the inspector reads them with the other objects
 * in one query, and drift fingerprints hash the same rows.
 */

const comment = (catalog: string, oid: string) =>
  `(SELECT d.description FROM pg_description d WHERE d.objoid = ${oid} AND d.classoid = '${catalog}'::regclass AND d.objsubid = 0)`;

// pg_collation's columns moved between majors (colliculocale in 15 and 16, colllocale from
// 17; collicurules from 16): read through to_jsonb so one text serves every major. libc
// keeps LC_COLLATE and LC_CTYPE, ICU and builtin their locale only.
const COLLATIONS: ObjectQuery = {
  select: `'collation', NULL, co.collname::text, json_build_object(
    'provider', CASE co.collprovider WHEN 'i' THEN 'icu' WHEN 'b' THEN 'builtin' ELSE 'libc' END,
    'locale', CASE WHEN co.collprovider <> 'c' THEN coalesce(cj.j->>'colllocale', cj.j->>'colliculocale') END,
    'lcCollate', CASE WHEN co.collprovider = 'c' THEN cj.j->>'collcollate' END,
    'lcCtype', CASE WHEN co.collprovider = 'c' THEN cj.j->>'collctype' END,
    'deterministic', co.collisdeterministic,
    'rules', cj.j->>'collicurules',
    'comment', ${comment('pg_collation', 'co.oid')})`,
  from: `pg_collation co CROSS JOIN LATERAL (SELECT to_jsonb(co) AS j) cj
  WHERE co.collnamespace = n.oid AND NOT ${extensionMember('pg_collation', 'co.oid')}`,
};

/** A template's or parser's name as SQL: unqualified when the search path finds it. */
const visibleName = (visible: string, oid: string, schemaOid: string, name: string) =>
  `CASE WHEN ${visible}(${printedIn(oid)}) THEN quote_ident(${name})
        ELSE quote_ident((SELECT ns.nspname FROM pg_namespace ns WHERE ns.oid = ${schemaOid})) || '.' || quote_ident(${name}) END`;

// dictinitoption is the option list as Postgres deparses it: `language = 'english', stopwords = 'english'`.
const TS_DICTIONARIES: ObjectQuery = {
  select: `'tsdictionary', NULL, td.dictname::text, json_build_object(
    'template', ${visibleName('pg_ts_template_is_visible', 'tt.oid', 'tt.tmplnamespace', 'tt.tmplname')},
    'options', td.dictinitoption,
    'comment', ${comment('pg_ts_dict', 'td.oid')})`,
  from: `pg_ts_dict td JOIN pg_ts_template tt ON tt.oid = td.dicttemplate
  WHERE td.dictnamespace = n.oid AND NOT ${extensionMember('pg_ts_dict', 'td.oid')}`,
};

// A mapping's dictionaries in their order (mapseqno), named as regdictionary prints them
// under the schema's search path; token types by the alias the parser gives them.
const TS_CONFIGURATIONS: ObjectQuery = {
  select: `'tsconfiguration', NULL, cf.cfgname::text, json_build_object(
    'parser', ${visibleName('pg_ts_parser_is_visible', 'pr.oid', 'pr.prsnamespace', 'pr.prsname')},
    'mappings', COALESCE((SELECT json_agg(json_build_object('token', tk.alias, 'dictionaries', tk.dictionaries) ORDER BY tk.alias)
      FROM (SELECT t.alias, array_agg((${printedIn('m.mapdict')})::regdictionary::text ORDER BY m.mapseqno) AS dictionaries
            FROM pg_ts_config_map m JOIN ts_token_type(cf.cfgparser) t ON t.tokid = m.maptokentype
            WHERE m.mapcfg = cf.oid GROUP BY t.alias) tk), '[]'),
    'comment', ${comment('pg_ts_config', 'cf.oid')})`,
  from: `pg_ts_config cf JOIN pg_ts_parser pr ON pr.oid = cf.cfgparser
  WHERE cf.cfgnamespace = n.oid AND NOT ${extensionMember('pg_ts_config', 'cf.oid')}`,
};

export const TEXT_OBJECT_QUERIES: readonly ObjectQuery[] = [COLLATIONS, TS_DICTIONARIES, TS_CONFIGURATIONS];

/** `a = 'x', b = 'y'` (Postgres' deparsed option list) → options in order. */
export function parseOptions(text: string | null): TextSearchOption[] {
  if (text === null || text.trim() === '') return [];
  const out: TextSearchOption[] = [];
  const item = /\s*("(?:[^"]|"")*"|[^\s=,]+)\s*=\s*(?:(E?)'((?:[^']|'')*)'|([^,]*?))\s*(?:,|$)/gy;
  for (let m = item.exec(text); m !== null && m[0] !== ''; m = item.exec(text)) {
    const name = m[1].startsWith('"') ? m[1].slice(1, -1).replaceAll('""', '"') : m[1];
    let value = m[3] !== undefined ? m[3].replaceAll("''", "'") : (m[4] ?? '');
    if (m[2] === 'E') value = value.replace(/\\(.)/g, '$1');
    out.push({ name, value });
    if (item.lastIndex >= text.length) break;
  }
  return out;
}

export type TextObject =
  | { readonly section: 'collations'; readonly value: Collation }
  | { readonly section: 'textSearchDictionaries'; readonly value: TextSearchDictionary }
  | { readonly section: 'textSearchConfigurations'; readonly value: TextSearchConfiguration };

/** The model object of a row of the queries above, or null for a row of another kind. */
// biome-ignore lint/suspicious/noExplicitAny: JSON built by the query, one shape per kind.
export function textObjectOf(kind: string, name: string, data: any): TextObject | null {
  switch (kind) {
    case 'collation':
      return {
        section: 'collations',
        value: {
          kind: 'collation',
          name,
          provider: data.provider as CollationProvider,
          locale: data.locale ?? null,
          lcCollate: data.lcCollate ?? null,
          lcCtype: data.lcCtype ?? null,
          deterministic: data.deterministic,
          rules: data.rules ?? null,
          comment: data.comment,
        },
      };
    case 'tsdictionary':
      return {
        section: 'textSearchDictionaries',
        value: {
          kind: 'textSearchDictionary',
          name,
          template: data.template,
          options: parseOptions(data.options),
          comment: data.comment,
        },
      };
    case 'tsconfiguration':
      return {
        section: 'textSearchConfigurations',
        value: {
          kind: 'textSearchConfiguration',
          name,
          parser: data.parser,
          mappings: data.mappings,
          comment: data.comment,
        },
      };
    default:
      return null;
  }
}

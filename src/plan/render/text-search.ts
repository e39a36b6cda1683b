import type { TextSearchConfiguration, TextSearchDictionary, TextSearchMapping } from '../../model/types.js';
import { ident, literal } from '../quote.js';
import type { Statement } from '../types.js';
import { type Rendered, rendered, sql } from './rendered.js';

// Templates, parsers and the dictionaries of a mapping are SQL names as Postgres prints
// them (`snowball`, `english_stem`, `other."My dict"`), kept as text like column types.

const optionList = (d: TextSearchDictionary) => d.options.map((o) => `${ident(o.name)} = ${literal(o.value)}`);

const commentSql = (what: string, name: string, comment: string | null) =>
  sql(`COMMENT ON TEXT SEARCH ${what} ${ident(name)} IS ${comment === null ? 'NULL' : literal(comment)}`);

const createDictionarySql = (name: string, d: TextSearchDictionary): Statement =>
  sql(`CREATE TEXT SEARCH DICTIONARY ${ident(name)} (${[`template = ${d.template}`, ...optionList(d)].join(', ')})`);

export function createDictionary(d: TextSearchDictionary): Rendered {
  const statements = [createDictionarySql(d.name, d)];
  if (d.comment !== null) statements.push(commentSql('DICTIONARY', d.name, d.comment));
  return rendered(statements);
}

export const dropDictionary = (d: TextSearchDictionary): Rendered =>
  rendered([sql(`DROP TEXT SEARCH DICTIONARY ${ident(d.name)}`)]);

/** Options set to their new values, and those no longer given reset (an option without a value). */
export function alterDictionary(from: TextSearchDictionary, to: TextSearchDictionary): Rendered {
  const kept = new Set(to.options.map((o) => o.name));
  const changes = [...optionList(to), ...from.options.filter((o) => !kept.has(o.name)).map((o) => ident(o.name))];
  const statements: Statement[] = [];
  const same = JSON.stringify(from.options) === JSON.stringify(to.options);
  if (!same) statements.push(sql(`ALTER TEXT SEARCH DICTIONARY ${ident(to.name)} (${changes.join(', ')})`));
  if (from.comment !== to.comment) statements.push(commentSql('DICTIONARY', to.name, to.comment));
  return rendered(statements);
}

const retiredName = (name: string) => `${name.slice(0, 40)}__pgfleet_old`;

/**
 * A dictionary's template cannot change: the old one is renamed away, the new one created
 * under its name, the configurations that map to it moved over (`ALTER MAPPING REPLACE`),
 * and the old one dropped.
 */
export function recreateDictionary(
  _from: TextSearchDictionary,
  to: TextSearchDictionary,
  configurations: readonly string[],
): Rendered {
  const old = retiredName(to.name);
  const statements: Statement[] = [
    sql(`ALTER TEXT SEARCH DICTIONARY ${ident(to.name)} RENAME TO ${ident(old)}`),
    createDictionarySql(to.name, to),
    ...configurations.map((c) =>
      sql(`ALTER TEXT SEARCH CONFIGURATION ${ident(c)} ALTER MAPPING REPLACE ${ident(old)} WITH ${ident(to.name)}`),
    ),
    sql(`DROP TEXT SEARCH DICTIONARY ${ident(old)}`),
  ];
  if (to.comment !== null) statements.push(commentSql('DICTIONARY', to.name, to.comment));
  return rendered(statements);
}

/** Mappings grouped by their dictionary lists, so that one statement maps many tokens alike. */
function mappingStatements(name: string, verb: 'ADD' | 'ALTER', mappings: readonly TextSearchMapping[]): Statement[] {
  const groups = new Map<string, string[]>();
  for (const m of mappings) {
    const key = m.dictionaries.join(', ');
    groups.set(key, [...(groups.get(key) ?? []), m.token]);
  }
  return [...groups].map(([dictionaries, tokens]) =>
    sql(
      `ALTER TEXT SEARCH CONFIGURATION ${ident(name)} ${verb} MAPPING FOR ${tokens.map(ident).join(', ')} WITH ${dictionaries}`,
    ),
  );
}

function createConfigurationSql(name: string, c: TextSearchConfiguration): Statement[] {
  return [
    sql(`CREATE TEXT SEARCH CONFIGURATION ${ident(name)} (parser = ${c.parser})`),
    ...mappingStatements(name, 'ADD', c.mappings),
  ];
}

export function createConfiguration(c: TextSearchConfiguration): Rendered {
  const statements = createConfigurationSql(c.name, c);
  if (c.comment !== null) statements.push(commentSql('CONFIGURATION', c.name, c.comment));
  return rendered(statements);
}

export const dropConfiguration = (c: TextSearchConfiguration): Rendered =>
  rendered([sql(`DROP TEXT SEARCH CONFIGURATION ${ident(c.name)}`)]);

/** Mappings dropped, changed and added in place: same parser. */
export function alterConfiguration(from: TextSearchConfiguration, to: TextSearchConfiguration): Rendered {
  const had = new Map(from.mappings.map((m) => [m.token, m.dictionaries.join(', ')]));
  const has = new Set(to.mappings.map((m) => m.token));
  const statements: Statement[] = [];
  const dropped = from.mappings.filter((m) => !has.has(m.token)).map((m) => ident(m.token));
  if (dropped.length > 0) {
    statements.push(sql(`ALTER TEXT SEARCH CONFIGURATION ${ident(to.name)} DROP MAPPING FOR ${dropped.join(', ')}`));
  }
  statements.push(
    ...mappingStatements(
      to.name,
      'ALTER',
      to.mappings.filter((m) => had.has(m.token) && had.get(m.token) !== m.dictionaries.join(', ')),
    ),
    ...mappingStatements(
      to.name,
      'ADD',
      to.mappings.filter((m) => !had.has(m.token)),
    ),
  );
  if (from.comment !== to.comment) statements.push(commentSql('CONFIGURATION', to.name, to.comment));
  return rendered(statements);
}

/**
 * A configuration's parser cannot change: the old one is renamed away, the new one made
 * under its name, and the old one dropped. Indexes whose expressions name the
 * configuration (`'app_english'::regconfig`) hold on to the old one: the diff drops them
 * before this change and creates them after it.
 */
export function recreateConfiguration(_from: TextSearchConfiguration, to: TextSearchConfiguration): Rendered {
  const old = retiredName(to.name);
  const statements: Statement[] = [
    sql(`ALTER TEXT SEARCH CONFIGURATION ${ident(to.name)} RENAME TO ${ident(old)}`),
    ...createConfigurationSql(to.name, to),
    sql(`DROP TEXT SEARCH CONFIGURATION ${ident(old)}`),
  ];
  if (to.comment !== null) statements.push(commentSql('CONFIGURATION', to.name, to.comment));
  return rendered(statements);
}

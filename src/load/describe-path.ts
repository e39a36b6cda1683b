import type { Path } from '../yaml/yaml-source.js';

const NAMED: Record<string, string> = {
  indexes: 'index',
  unique: 'unique constraint',
  checks: 'check',
  foreignKeys: 'foreign key',
  triggers: 'trigger',
  exclusions: 'exclusion constraint',
};

/**
 * A path of a model file in words, for messages: `column bookings.starts_at`,
 * `index bookings_recent_idx`, `` `nullable` of column bookings.notes ``. '' for the root.
 */
export function describeModelPath(path: Path): string {
  const [kind, name, part, item, ...rest] = path.map(String);
  if (path.length === 0) return '';
  if (path.length === 1) return `\`${kind}\``;
  let base: string;
  let remaining: string[];
  if (kind === 'tables' && part === 'columns' && item !== undefined) {
    base = `column ${name}.${item}`;
    remaining = rest;
  } else if (kind === 'tables' && part !== undefined && NAMED[part] && item !== undefined) {
    base = `${NAMED[part]} ${item}`;
    remaining = rest;
  } else if (kind === 'tables' && part === 'primaryKey') {
    base = `primary key of table ${name}`;
    remaining = item === undefined ? [] : [item, ...rest];
  } else {
    const singular =
      {
        tables: 'table',
        enums: 'enum',
        sequences: 'sequence',
        domains: 'domain',
        functions: 'function',
        views: 'view',
        materializedViews: 'materialized view',
        types: 'type',
        collations: 'collation',
        textSearchDictionaries: 'text search dictionary',
        textSearchConfigurations: 'text search configuration',
      }[kind] ?? kind;
    base = `${singular} ${name}`;
    remaining = part === undefined ? [] : [part, ...(item === undefined ? [] : [item]), ...rest];
  }
  if (remaining.length === 0) return base;
  // The keys below the named object, as `references.table` or `columns[2].order`.
  const key = remaining.map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
  return `\`${key}\` of ${base}`;
}

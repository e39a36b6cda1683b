import type { Collation, TextSearchConfiguration, TextSearchDictionary } from '../model/types.js';
import { raw, type YamlValue, yamlMap } from './yaml-text.js';

/** A collation as the loader reads it back: libc's two equal locales as one `locale`. */
export function collationValue(c: Collation): YamlValue {
  const oneLocale = c.provider === 'libc' && c.lcCollate === c.lcCtype;
  return yamlMap([
    ['provider', c.provider === 'libc' ? undefined : c.provider],
    ['locale', c.provider === 'libc' ? (oneLocale ? (c.lcCollate ?? undefined) : undefined) : (c.locale ?? undefined)],
    ['lcCollate', c.provider === 'libc' && !oneLocale ? (c.lcCollate ?? undefined) : undefined],
    ['lcCtype', c.provider === 'libc' && !oneLocale ? (c.lcCtype ?? undefined) : undefined],
    ['deterministic', c.deterministic ? undefined : raw('false')],
    ['rules', c.rules ?? undefined],
    ['comment', c.comment ?? undefined],
  ]);
}

export const dictionaryValue = (d: TextSearchDictionary): YamlValue =>
  yamlMap([
    ['template', d.template],
    ['options', d.options.length > 0 ? yamlMap(d.options.map((o) => [o.name, o.value] as const)) : undefined],
    ['comment', d.comment ?? undefined],
  ]);

export const configurationValue = (c: TextSearchConfiguration): YamlValue =>
  yamlMap(
    [
      // The built-in parser prints quoted (`default` is a reserved word).
      ['parser', c.parser === 'default' || c.parser === '"default"' ? undefined : c.parser],
      [
        'mappings',
        yamlMap(
          c.mappings.map((m) => [m.token, [...m.dictionaries]] as const),
          { block: true, align: true },
        ),
      ],
      ['comment', c.comment ?? undefined],
    ],
    { block: true },
  );

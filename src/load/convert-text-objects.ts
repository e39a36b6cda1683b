import { identifierProblem } from '../model/names.js';
import type { Collation, TextSearchConfiguration, TextSearchDictionary } from '../model/types.js';
import type { Path } from '../yaml/yaml-source.js';
import type { ConvertContext, Declared, FileObjects } from './drafts.js';
import type { RawCollation, RawFile, RawTextSearchConfiguration, RawTextSearchDictionary } from './raw-model.js';

type TextObjects = Pick<FileObjects, 'collations' | 'textSearchDictionaries' | 'textSearchConfigurations'>;

/** The collations and text search objects a (schema-valid) file declares. */
export function convertTextObjects(raw: RawFile, ctx: ConvertContext): TextObjects {
  const declared = <T>(path: Path, value: T): Declared<T> => ({ source: ctx.source, path, value });
  return {
    collations: Object.entries(raw.collations ?? {}).map(([name, c]) =>
      declared(['collations', name], convertCollation(name, c, ctx)),
    ),
    textSearchDictionaries: Object.entries(raw.textSearchDictionaries ?? {}).map(([name, d]) =>
      declared(['textSearchDictionaries', name], convertDictionary(name, d, ctx)),
    ),
    textSearchConfigurations: Object.entries(raw.textSearchConfigurations ?? {}).map(([name, c]) =>
      declared(['textSearchConfigurations', name], convertConfiguration(name, c, ctx)),
    ),
  };
}

function checkName(kind: string, name: string, path: Path, ctx: ConvertContext): void {
  const problem = identifierProblem(name);
  if (problem) ctx.report(ctx.source.diagnostic(path, `${kind} name ${JSON.stringify(name)} ${problem}`));
}

/**
 * `{ provider: icu, locale: und-u-ks-level2, deterministic: false }` or `{ locale: C }`
 * (libc, Postgres' default provider). A libc `locale` sets LC_COLLATE and LC_CTYPE alike.
 */
export function convertCollation(name: string, raw: RawCollation, ctx: ConvertContext): Collation {
  const path: Path = ['collations', name];
  checkName('collation', name, path, ctx);
  const provider = raw.provider ?? 'libc';
  const report = (key: string, message: string, hint?: string) =>
    ctx.report(ctx.source.diagnostic([...path, key], message, hint));
  let lcCollate: string | null = null;
  let lcCtype: string | null = null;
  if (provider === 'libc') {
    lcCollate = raw.lcCollate ?? raw.locale ?? null;
    lcCtype = raw.lcCtype ?? raw.locale ?? null;
    if (lcCollate === null || lcCtype === null) {
      ctx.report(
        ctx.source.diagnostic(
          path,
          `collation ${name} needs a locale`,
          'write `locale:` (or both `lcCollate:` and `lcCtype:`), e.g. locale: C',
        ),
      );
    }
    if (raw.deterministic === false) {
      report(
        'deterministic',
        `collation ${name} cannot be nondeterministic with the libc provider`,
        'Postgres: nondeterministic collations are only supported with the ICU provider; write provider: icu',
      );
    }
    if (raw.rules !== undefined) report('rules', `collation ${name}: rules are for the ICU provider only`);
  } else {
    if (raw.locale === undefined) {
      ctx.report(ctx.source.diagnostic(path, `collation ${name} needs a locale`, 'e.g. locale: und-u-ks-level2'));
    }
    for (const key of ['lcCollate', 'lcCtype'] as const) {
      if (raw[key] !== undefined)
        report(key, `collation ${name}: ${key} is for the libc provider only`, 'write `locale:`');
    }
  }
  return {
    kind: 'collation',
    name,
    provider,
    locale: provider === 'libc' ? null : (raw.locale ?? null),
    lcCollate,
    lcCtype,
    deterministic: raw.deterministic ?? true,
    rules: raw.rules ?? null,
    comment: raw.comment ?? null,
  };
}

/** `{ template: snowball, options: { language: english } }`. */
export function convertDictionary(
  name: string,
  raw: RawTextSearchDictionary,
  ctx: ConvertContext,
): TextSearchDictionary {
  checkName('text search dictionary', name, ['textSearchDictionaries', name], ctx);
  return {
    kind: 'textSearchDictionary',
    name,
    template: raw.template.trim(),
    options: Object.entries(raw.options ?? {}).map(([option, value]) => ({ name: option, value: String(value) })),
    comment: raw.comment ?? null,
  };
}

/** `{ parser: default, mappings: { asciiword: [english_stem], email: simple } }`. */
export function convertConfiguration(
  name: string,
  raw: RawTextSearchConfiguration,
  ctx: ConvertContext,
): TextSearchConfiguration {
  checkName('text search configuration', name, ['textSearchConfigurations', name], ctx);
  const mappings = Object.entries(raw.mappings ?? {})
    .map(([token, dictionaries]) => ({
      token,
      dictionaries: (typeof dictionaries === 'string' ? [dictionaries] : dictionaries).map((d) => d.trim()),
    }))
    .sort((a, b) => (a.token < b.token ? -1 : a.token > b.token ? 1 : 0));
  return {
    kind: 'textSearchConfiguration',
    name,
    parser: raw.parser?.trim() ?? 'default',
    mappings,
    comment: raw.comment ?? null,
  };
}

/**
 * Collations and text search objects: schema objects that columns, indexes and
 * `to_tsvector('<config>', ...)` expressions refer to by name. Kept apart from types.ts so
 * that each kind reads on its own; `Model` lists them.
 */

export type CollationProvider = 'icu' | 'libc' | 'builtin';

/**
 * CREATE COLLATION. Postgres cannot alter one (beyond its name, owner and version), so a
 * changed definition is a new collation that the columns using it move to.
 */
export interface Collation {
  readonly kind: 'collation';
  readonly name: string;
  readonly provider: CollationProvider;
  /** The ICU or builtin locale as Postgres stores it (`und-u-ks-level2`, `en-US`); null for libc. */
  readonly locale: string | null;
  /** LC_COLLATE and LC_CTYPE of a libc collation; null for the other providers. */
  readonly lcCollate: string | null;
  readonly lcCtype: string | null;
  /** false: strings that compare equal may differ in bytes (ICU only, e.g. case-insensitive). */
  readonly deterministic: boolean;
  /** ICU tailoring rules (Postgres 16+), or null. */
  readonly rules: string | null;
  readonly comment: string | null;
}

/** One `name = 'value'` of a text search dictionary, in the order Postgres keeps them. */
export interface TextSearchOption {
  readonly name: string;
  readonly value: string;
}

/** CREATE TEXT SEARCH DICTIONARY: a template (`simple`, `snowball`, `ispell`, ...) and its options. */
export interface TextSearchDictionary {
  readonly kind: 'textSearchDictionary';
  readonly name: string;
  /** The template, unqualified when it is visible (built-in ones live in pg_catalog). */
  readonly template: string;
  readonly options: readonly TextSearchOption[];
  readonly comment: string | null;
}

/** The dictionaries a token type is looked up in, in order. */
export interface TextSearchMapping {
  /** The parser's token type alias (`asciiword`, `hword_part`, ...). */
  readonly token: string;
  readonly dictionaries: readonly string[];
}

/** CREATE TEXT SEARCH CONFIGURATION: a parser and the dictionaries of each token type. */
export interface TextSearchConfiguration {
  readonly kind: 'textSearchConfiguration';
  readonly name: string;
  /** The parser, unqualified when visible (`default`). */
  readonly parser: string;
  /** Sorted by token. A token type without a mapping is not indexed. */
  readonly mappings: readonly TextSearchMapping[];
  readonly comment: string | null;
}

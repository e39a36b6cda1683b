import type { Diagnostic } from '../errors.js';
import type {
  Collation,
  CompositeType,
  Domain,
  Enum,
  Extension,
  ForeignKey,
  Routine,
  Scope,
  Sequence,
  Table,
  TextSearchConfiguration,
  TextSearchDictionary,
  View,
} from '../model/types.js';
import type { Path, YamlSource } from '../yaml/yaml-source.js';

/**
 * What one file contributes to one scope, with where each thing is written, before the
 * files of the scope are merged and cross-checked (duplicates, foreign key targets).
 */

/** Where something is written. */
export interface Located {
  readonly source: YamlSource;
  readonly path: Path;
}

export interface Declared<T> extends Located {
  readonly value: T;
}

export type NamedKind =
  | 'primary key'
  | 'unique constraint'
  | 'check constraint'
  | 'foreign key'
  | 'index'
  | 'exclusion constraint';

/** A constraint or index name, checked for collisions across the scope. */
export interface NamedThing extends Located {
  readonly name: string;
  readonly kind: NamedKind;
}

/** A foreign key whose target columns may still have to be read from the target's primary key. */
export interface ForeignKeyDraft extends Located {
  /** `refColumns` is empty when the user left them to the target's primary key. */
  readonly fk: ForeignKey;
  readonly refColumnsGiven: boolean;
  /** The table as written (`shared.users`), for messages. */
  readonly writtenTable: string;
  /** Where the target table and the target columns are written. */
  readonly tablePath: Path;
  readonly columnsPath: Path;
}

export interface TableDraft extends Located {
  /** The table without its foreign keys (see `foreignKeys`). */
  readonly table: Table;
  readonly foreignKeys: readonly ForeignKeyDraft[];
  readonly names: readonly NamedThing[];
}

export interface FileObjects {
  readonly extensions: readonly Declared<Extension>[];
  readonly enums: readonly Declared<Enum>[];
  readonly sequences: readonly Declared<Sequence>[];
  readonly tables: readonly TableDraft[];
  readonly domains: readonly Declared<Domain>[];
  readonly functions: readonly Declared<Routine>[];
  readonly views: readonly Declared<View>[];
  readonly types: readonly Declared<CompositeType>[];
  readonly collations: readonly Declared<Collation>[];
  readonly textSearchDictionaries: readonly Declared<TextSearchDictionary>[];
  readonly textSearchConfigurations: readonly Declared<TextSearchConfiguration>[];
}

/** What a converter needs: the file, the scope it converts for, and where to report. */
export interface ConvertContext {
  readonly source: YamlSource;
  readonly scope: Scope;
  report(diagnostic: Diagnostic): void;
}

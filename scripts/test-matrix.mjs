#!/usr/bin/env node
// Run the database suites (convergence, inspection, fleet) against every supported major:
//   npm run test:matrix               (15, 16, 17)
//   npm run test:matrix -- 16 18
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const majors = process.argv.length > 2 ? process.argv.slice(2) : ['15', '16', '17'];
const extra = majors.filter((m) => m !== '17');
if (extra.length > 0) execFileSync(process.execPath, [join(root, 'scripts', 'pg-install.mjs'), ...extra], { stdio: 'inherit' });
const failed = [];
for (const major of majors) {
  console.log(`\n=== Postgres ${major} ===`);
  try {
    execFileSync('npx', ['vitest', 'run', 'test/convergence.test.ts', 'test/inspect', 'test/fleet', 'test/property'], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, PGFLEET_PG_VERSION: major },
    });
  } catch {
    failed.push(major);
  }
}
console.log(failed.length ? `\nfailed on Postgres ${failed.join(', ')}` : `\npassed on Postgres ${majors.join(', ')}`);
process.exit(failed.length ? 1 : 0);

#!/usr/bin/env node
// Run the database suites (convergence, inspection, planning, fleet, property, drift,
// adoption, replay and rewrite detection, preflight's type-change checks) against every supported major:
//   npm run test:matrix               (15, 16, 17)
//   npm run test:matrix -- 16 18
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const majors = process.argv.length > 2 ? process.argv.slice(2) : ['15', '16', '17'];
const extra = majors.filter((m) => m !== '17');
if (extra.length > 0) execFileSync(process.execPath, [join(root, 'scripts', 'pg-install.mjs'), ...extra], { stdio: 'inherit' });
const suites = [
  'test/convergence.test.ts',
  'test/inspect',
  'test/plan',
  'test/fleet',
  'test/property',
  'test/drift',
  'test/adopt',
  // which statements rewrite a table is read from the catalog: it differs between majors
  'test/replay',
  // preflight's type-change checks: pg_input_is_valid from 16, predicates on 15
  'test/rollout/preflight-cast-input.test.ts',
  'test/rollout/preflight-forms.test.ts',
];
const failed = [];
const took = [];
for (const major of majors) {
  console.log(`\n=== Postgres ${major} ===`);
  const start = Date.now();
  try {
    execFileSync('npx', ['vitest', 'run', ...suites], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, PGFLEET_PG_VERSION: major },
    });
  } catch {
    failed.push(major);
  }
  took.push(`Postgres ${major}: ${failed.includes(major) ? 'failed' : 'passed'} in ${Math.round((Date.now() - start) / 1000)} s`);
}
console.log(`\n${took.join('\n')}`);
console.log(failed.length ? `failed on Postgres ${failed.join(', ')}` : `passed on Postgres ${majors.join(', ')}`);
process.exit(failed.length ? 1 : 0);

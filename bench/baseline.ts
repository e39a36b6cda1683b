/**
 * Adoption: `pgfleet baseline` of a fleet of N tenant schemas of the 20-table model that
 * pgfleet did not record (built by its migrations, then its history deleted, as a
 * django-tenants database looks on the day it adopts pgfleet), beside the floor of drift:
 * one catalog query of the fleet's columns, types and defaults, the least any check of N
 * schemas reads. Each run deletes the history again first (not timed).
 *
 *   node --import tsx bench/baseline.ts                  1,000 tenants
 *   node --import tsx bench/baseline.ts --tenants 5000
 *
 * BENCH_DATABASE_URL: a server to use instead of a private embedded one; the fleet is built
 * in a database pgfleet_bench_baseline_<N> there, dropped at the end. BENCH_RUNS: runs
 * (default 3).
 */
import os from 'node:os';
import { baseline } from '../src/api/baseline.js';
import { migrate } from '../src/api/fleet.js';
import { databaseUrl } from '../src/devdb/dev-database.js';
import { startEmbedded } from '../src/devdb/embedded.js';
import { HISTORY } from '../src/fleet/index.js';
import { ident } from '../src/plan/quote.js';
import { floorSql } from './drift.js';
import { createSchemas, fleetMatch, fleetPrefix, names } from './fleet/schemas.js';
import { chooseFloor } from './floor.js';
import { fleetProject } from './project.js';
import { onServer } from './server.js';
import { formatMs, interleaved, peakRssMiB } from './timing.js';

const given = process.argv.indexOf('--tenants');
const n = given >= 0 ? Number(process.argv[given + 1]) : 1000;
if (!Number.isInteger(n) || n < 1) throw new Error('--tenants must be a whole number, e.g. --tenants 5000');
const runs = Number(process.env.BENCH_RUNS ?? 3);
const server = process.env.BENCH_DATABASE_URL ? null : await startEmbedded();
const serverUrl = process.env.BENCH_DATABASE_URL ?? server!.url;
const name = `pgfleet_bench_baseline_${n}`;
await onServer(serverUrl, `DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`);
await onServer(serverUrl, `CREATE DATABASE ${ident(name)}`);
const url = databaseUrl(serverUrl, name);
const p = await fleetProject({ databaseUrl: url, devDatabase: serverUrl, match: fleetMatch(n) });
try {
  await p.withNewMigration(true);
  await createSchemas(url, names(fleetPrefix(n), n));
  const built = await migrate(await p.load(), { concurrency: 4 });
  if (built.summary.failed > 0) throw new Error(`building the fleet of ${n}: ${JSON.stringify(built.summary)}`);
  const project = await p.load();
  const floor = chooseFloor();
  const t = await interleaved(runs, [
    {
      name: 'pgfleet',
      work: async () => {
        const r = await baseline(project);
        if (!r.recorded || r.schemas.some((s) => s.status !== 'matches'))
          throw new Error(
            `baseline of ${n} did not match: ${JSON.stringify(r.schemas.find((s) => s.status !== 'matches'))}`,
          );
      },
      before: () => onServer(url, `DELETE FROM ${HISTORY}`),
    },
    { name: 'floor', work: () => floor.run(url, [floorSql(n)]) },
  ]);
  const load = os.loadavg().map((l) => l.toFixed(2));
  console.log(
    `pgfleet baseline of ${n} unrecorded 20-table tenants and the shared schema, median of ${runs} runs; load ${load.join(' ')}`,
  );
  console.log(`floor (${floor.label}): one catalog query of the fleet's columns, types and defaults`);
  console.log(
    `baseline ${formatMs(t.pgfleet.median)} (${formatMs(t.pgfleet.min)}–${formatMs(t.pgfleet.max)}), floor ${formatMs(t.floor.median)}: ` +
      `${(t.pgfleet.median / t.floor.median).toFixed(2)}×; peak RSS ${peakRssMiB()} MiB`,
  );
} finally {
  await p.remove();
  await onServer(serverUrl, `DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`).catch(() => {});
  await server?.stop();
}

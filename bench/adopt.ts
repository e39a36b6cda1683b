/**
 * The adoption figure on its own (issue 16): pull, validate and generate of the generated
 * schema of test/adopt/large-schema.ts, on a private embedded server (or BENCH_DATABASE_URL).
 *
 *   node --import tsx bench/adopt.ts                 300 tables
 *   node --import tsx bench/adopt.ts --tables 1000
 */
import os from 'node:os';
import { startEmbedded } from '../src/devdb/embedded.js';
import { ADOPT_TABLES, adoptTimes } from './figures/adopt.js';
import { formatMs } from './timing.js';

const given = process.argv.indexOf('--tables');
const tables = given >= 0 ? Number(process.argv[given + 1]) : ADOPT_TABLES;
const server = process.env.BENCH_DATABASE_URL ? null : await startEmbedded();
const serverUrl = process.env.BENCH_DATABASE_URL ?? server!.url;
try {
  const load = os.loadavg()[0];
  const t = await adoptTimes(serverUrl, tables);
  const total = t.pull + t.validate + t.generate;
  console.log(`adopting a ${tables}-table schema (${os.availableParallelism()} cores, load ${load.toFixed(1)}):`);
  console.log(`  pull      ${formatMs(t.pull)}`);
  console.log(`  validate  ${formatMs(t.validate)}`);
  console.log(`  generate  ${formatMs(t.generate)}`);
  console.log(`  total     ${formatMs(total)} (goal < 30 s: ${total < 30_000 ? 'met' : 'missed'})`);
  console.log(
    `  floor     ${formatMs(t.floor)}: the generated SQL applied once; validate ${(t.validate / t.floor).toFixed(1)}×, generate ${(t.generate / t.floor).toFixed(1)}×, total ${(total / t.floor).toFixed(1)}× the floor`,
  );
} finally {
  await server?.stop();
}

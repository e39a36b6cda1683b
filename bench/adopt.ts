/**
 * The adoption figure on its own (issue 16): pull, validate and generate of the generated
 * schema of test/adopt/large-schema.ts, on a private embedded server (or BENCH_DATABASE_URL).
 *
 *   node --import tsx bench/adopt.ts                 300 tables
 *   node --import tsx bench/adopt.ts --tables 1000
 *
 * With its private server it also prints the CPU each step took (this process and the
 * server's processes): on a shared machine a before/after comparison of that moves much
 * less with the load than wall time does.
 */
import os from 'node:os';
import { startEmbedded } from '../src/devdb/embedded.js';
import { ownCpuMs, serverCpuMs } from './cpu-time.js';
import { ADOPT_TABLES, adoptTimes } from './figures/adopt.js';
import { formatMs } from './timing.js';

const given = process.argv.indexOf('--tables');
const tables = given >= 0 ? Number(process.argv[given + 1]) : ADOPT_TABLES;
const server = process.env.BENCH_DATABASE_URL ? null : await startEmbedded();
const serverUrl = process.env.BENCH_DATABASE_URL ?? server!.url;
try {
  const load = os.loadavg()[0];
  const cpuMs = () => {
    const used = serverCpuMs(server?.pid);
    return used === null ? null : used + ownCpuMs();
  };
  const t = await adoptTimes(serverUrl, tables, cpuMs);
  const total = t.pull + t.validate + t.generate;
  console.log(`adopting a ${tables}-table schema (${os.availableParallelism()} cores, load ${load.toFixed(1)}):`);
  const cpu = (step: keyof typeof t.cpu) => {
    const ms = t.cpu[step];
    return ms === null ? '' : `   cpu ${formatMs(ms)}`.padStart(16);
  };
  const cpuTotal = t.cpu.pull! + t.cpu.validate! + t.cpu.generate!;
  console.log(`  pull      ${formatMs(t.pull).padStart(8)}${cpu('pull')}`);
  console.log(`  validate  ${formatMs(t.validate).padStart(8)}${cpu('validate')}`);
  console.log(`  generate  ${formatMs(t.generate).padStart(8)}${cpu('generate')}`);
  console.log(`  total     ${formatMs(total).padStart(8)} (goal < 30 s: ${total < 30_000 ? 'met' : 'missed'})`);
  console.log(
    `  floor     ${formatMs(t.floor).padStart(8)}${cpu('floor')}: the generated SQL applied once; validate ${(t.validate / t.floor).toFixed(1)}×, generate ${(t.generate / t.floor).toFixed(1)}×, total ${(total / t.floor).toFixed(1)}× the floor`,
  );
  if (t.cpu.floor !== null) {
    const f = t.cpu.floor;
    console.log(
      `  cpu ratio validate ${(t.cpu.validate! / f).toFixed(1)}×, generate ${(t.cpu.generate! / f).toFixed(1)}×, total ${formatMs(cpuTotal)} = ${(cpuTotal / f).toFixed(1)}× the floor's`,
    );
  }
} finally {
  await server?.stop();
}

import { readFile } from 'node:fs/promises';
import { ledgerOnly } from '../args.js';
import type { Results } from './results.js';
import { checkGoal, floorLegend, markdownTable } from './table.js';

const when = (r: Results) => `${r.date.slice(0, 16).replace('T', ' ')} UTC`;

function section(r: Results): string {
  const goals = r.rows
    .map((row) => ({ row, check: checkGoal(row) }))
    .filter((g) => g.check && g.check.state !== 'elsewhere');
  return [
    `## N = ${r.options.tenants.toLocaleString('en-US')} tenants` +
      (r.options.sweep.length > 1
        ? ` (fleet figures also at ${r.options.sweep
            .filter((n) => n !== r.options.tenants)
            .map((n) => n.toLocaleString('en-US'))
            .join(', ')})`
        : '') +
      (r.options.only ? ` — only ${r.options.only.join(', ')}` : ''),
    '',
    `Measured ${when(r)} at commit \`${r.commit}\` on ${r.host.cores} cores (${r.host.cpu}), ${r.host.memoryGiB} GiB, Node ${r.host.node}; ` +
      `Postgres ${r.server.version} (${r.server.embedded ? 'embedded, fsync off' : 'BENCH_DATABASE_URL'}); load average at start ${r.load.map((l) => l.toFixed(1)).join(' / ')}; ` +
      `${r.options.runs} runs per figure unless the spread column says otherwise; the whole suite took ${Math.round(r.elapsedS / 60)} min.`,
    '',
    `Floor: ${r.floor}.` +
      (ledgerOnly(r.options.only)
        ? ' The fleet of this run is ledger-only: empty schemas whose history says 0001 and 0002 (`migrate --fake`), which is all that the reads look at.'
        : ''),
    '',
    markdownTable(r.rows),
    '',
    goals.length ? '**Goals**' : '',
    '',
    ...goals.map(
      (g) =>
        `- ${g.row.figure}${g.row.tenants === null ? '' : ` @${g.row.tenants.toLocaleString('en-US')}`}: ${g.check!.text}`,
    ),
    '',
    '<details><summary>What each floor runs</summary>',
    '',
    ...floorLegend(r.rows).map((l) => `- ${l}`),
    '',
    '</details>',
    '',
  ].join('\n');
}

/** docs/bench/latest.md: the latest figures at each N, the chart, and the notes on what the gaps are made of. */
export async function latestMarkdown(runs: readonly Results[], notesFile: string): Promise<string> {
  const notes = await readFile(notesFile, 'utf8').catch(() => '');
  const sorted = [...runs].sort((a, b) => a.options.tenants - b.options.tenants);
  return [
    '# Benchmarks: pgfleet beside the floor',
    '',
    '<!-- Written by `npm run bench`; edit bench/report/notes.md for the notes below the tables. -->',
    '',
    'The floor is the same SQL pgfleet sends, sent by the thinnest client there is on the same server in the same run: ' +
      "psql when it is installed (each schema's statements in one message), else one `pg` connection doing the same; for reads, one catalog query. " +
      "The ratio is pgfleet's median over the floor's median. Peers run the same task on the same server in the same run.",
    '',
    'Reproduce: `npm run bench` (N = 1,000, fleet figures at 100 and 1,000; each section below says how long its run took), ' +
      '`npm run bench -- --tenants 10000` (on demand: its bootstrap alone creates 12,500 schemas of 20 tables), ' +
      '`npm run bench -- --tenants 10000 --sweep 10000 --only reads,cli-reads,tenant-create --save` (the reads at 10,000 on a ledger-only fleet, minutes), ' +
      '`BENCH_DATABASE_URL=postgres://… npm run bench` for another server, `BENCH_FLOOR=pg` to use one pg connection as the floor even where psql is installed. ' +
      '`npm run bench -- --help` lists the flags; the default `npm test` runs no benchmark.',
    '',
    '![time per tenant against N](per-tenant.svg)',
    '',
    ...sorted.map(section),
    notes,
  ].join('\n');
}

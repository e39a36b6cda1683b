import { parseArgs } from 'node:util';

export interface BenchOptions {
  readonly tenants: number;
  readonly sweep: readonly number[];
  readonly runs: number;
  /** Repetitions of the generate figure (each is tens of seconds): --runs when given, else 2. */
  readonly generateRuns: number;
  readonly only: readonly string[] | null;
  readonly floor: 'psql' | 'pg' | 'auto';
  readonly history: { readonly tables: number; readonly migrations: number };
  readonly coreTables: number;
  /** Rows of the online figure's table (default 200,000; the goal is at 1,000,000). */
  readonly onlineRows: number;
  readonly bootstrapRuns: number | null;
  readonly peerRuns: number | null;
  readonly save: boolean;
}

/**
 * Figures that need the fleet's tables (and their rows): without any of them, the fleet is
 * made of empty schemas whose ledger says 0001 and 0002 (`migrate --fake`), all the reads look at.
 */
const NEEDS_TABLES = ['bootstrap', 'migrate', 'drift', 'cli-migrate', 'preflight'];

/** Whether a run of `only` (null: every figure) builds a ledger-only fleet. */
export const ledgerOnly = (only: readonly string[] | null): boolean =>
  only !== null && !NEEDS_TABLES.some((f) => only.includes(f));

export const HELP = `npm run bench -- [flags]

  --tenants N          fleet size of the full table (default 1000; 10000 on demand)
  --sweep a,b,c        fleet sizes to measure the fleet figures at (default 100,1000[,10000] up to N)
  --runs K             repetitions per figure (default 3; generate 2 unless given)
  --only f1,f2         only these figures: startup, dev-loop, introspect, canonicalise, diff-two,
                       generate, bootstrap, migrate, cli-migrate, reads, tenant-create, drift, cli-reads,
                       adopt, preflight, online
  --floor psql|pg      the floor's client (default: psql when installed, else one pg connection)
  --history TxM        generate figure: T tables reached by M migrations (default 150x200)
  --core-tables T      tables of the canonicalise / introspect / diff figures (default 200)
  --online-rows R      rows of the online figure's table (default 200000; the goal is at 1000000)
  --bootstrap-runs K   repetitions of the bootstrap, the floor building N schemas of its own each
                       time (default: one run; at N >= 1000 the floor builds N/4, scaled to N)
  --peer-runs K        also run the peers at the larger N, K times (default: peers at the smallest N only)
  --save               with --only, still write bench/results and docs/bench

  BENCH_DATABASE_URL   use this server instead of a private embedded Postgres 17`;

function positive(name: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a whole number of at least 1, got ${v}`);
  return n;
}

export function parseOptions(argv: readonly string[]): BenchOptions | null {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      tenants: { type: 'string' },
      sweep: { type: 'string' },
      runs: { type: 'string' },
      only: { type: 'string' },
      floor: { type: 'string' },
      history: { type: 'string' },
      'core-tables': { type: 'string' },
      'online-rows': { type: 'string' },
      'bootstrap-runs': { type: 'string' },
      'peer-runs': { type: 'string' },
      save: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return null;
  const tenants = positive('tenants', values.tenants, 1000);
  const sweep = values.sweep
    ? values.sweep.split(',').map((s) => positive('sweep', s.trim(), 1))
    : [...new Set([100, 1000, 10_000].filter((n) => n < tenants).concat(tenants))];
  const floor = (values.floor ?? 'auto') as BenchOptions['floor'];
  if (!['psql', 'pg', 'auto'].includes(floor)) throw new Error(`--floor must be psql or pg, got ${values.floor}`);
  const h = /^(\d+)x(\d+)$/.exec(values.history ?? '150x200');
  if (!h) throw new Error(`--history must look like 150x200, got ${values.history}`);
  return {
    tenants,
    sweep: [...new Set(sweep)].sort((a, b) => a - b),
    runs: positive('runs', values.runs, 3),
    generateRuns: positive('runs', values.runs, 2),
    only: values.only ? values.only.split(',').map((s) => s.trim()) : null,
    floor,
    history: { tables: Number(h[1]), migrations: Number(h[2]) },
    coreTables: positive('core-tables', values['core-tables'], 200),
    onlineRows: positive('online-rows', values['online-rows'], 200_000),
    bootstrapRuns: values['bootstrap-runs'] ? positive('bootstrap-runs', values['bootstrap-runs'], 1) : null,
    peerRuns: values['peer-runs'] ? positive('peer-runs', values['peer-runs'], 1) : null,
    save: values.save ?? false,
  };
}

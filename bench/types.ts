import type { Measured } from './timing.js';

/** What a goal of issue 4 / 7 / 20 asks of a row; `at` null: a figure without a fleet. */
export type Goal =
  | { readonly kind: 'ratio'; readonly max: number; readonly at: number | null; readonly text: string }
  | { readonly kind: 'ms'; readonly max: number; readonly at: number | null; readonly text: string };

/** One line of the figures table: a tool's time for a figure, beside the floor of the same run. */
export interface Row {
  /** Stable key, for comparing runs: `<figure id>@<tenants>/<who>`. */
  readonly id: string;
  readonly figure: string;
  readonly tenants: number | null;
  /** `pgfleet`, or the peer measured on the same task. */
  readonly who: string;
  readonly time: Measured;
  readonly floor: Measured | null;
  /** What the floor ran, for the legend. */
  readonly floorWhat: string | null;
  /** Peak RSS of the process that ran pgfleet's side (null for peers and other processes). */
  readonly rssMiB: number | null;
  readonly goal?: Goal;
  readonly note?: string;
}

/** Everything a figure needs to find the server and the projects the parent prepared. */
export interface BenchContext {
  readonly serverUrl: string;
  readonly url: string;
  readonly runs: number;
  readonly floor: 'psql' | 'pg';
  readonly root: string;
  readonly fleetDir: string;
  readonly tenants: number;
  /** Repetitions of the bootstrap figure at this N. */
  readonly bootstrapRuns: number;
  /**
   * Below 1: one run, the floor building this share of N schemas (scaled to N) between
   * slices of pgfleet's run, instead of N schemas of its own.
   */
  readonly bootstrapFloorShare?: number;
  readonly bootstrapConcurrency: number;
  /** Repetitions of the peers (node-pg-migrate, the hand-rolled runner) at this N. */
  readonly peerRuns: number;
  readonly historyDir: string | null;
  readonly history: { readonly tables: number; readonly migrations: number } | null;
  /** Rows of the online figure's tenant table (default 200,000). */
  readonly onlineRows?: number;
  /** Databases holding the 200-table schema (live) and its changed copy (target). */
  readonly core: { readonly tables: number; readonly liveUrl: string; readonly targetUrl: string } | null;
}

export const rowId = (figure: string, tenants: number | null, who: string): string =>
  `${figure}${tenants === null ? '' : `@${tenants}`}/${who}`;

import { SET_EXPRESSION_SINCE } from '../plan/server-features.js';

export interface DiffOptions {
  /**
   * The major version of the Postgres the changes will be planned for: what Postgres
   * cannot alter in place there (a generation expression before 17) comes as a rebuild of
   * what depends on it. Pass the `serverMajor` of the plan options.
   */
  readonly serverMajor: number;
}

/** Changes as the newest supported Postgres makes them, for describing a difference rather than planning it. */
export const LATEST: DiffOptions = { serverMajor: SET_EXPRESSION_SINCE };

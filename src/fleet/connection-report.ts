import { safeUrl } from '../devdb/dev-database.js';
import { PgfleetError } from '../errors.js';
import type { Migration, MigrationSet } from '../migrations/index.js';
import type { FleetConnection } from './fleet.js';
import type { RunResult } from './run.js';
import type { ConnectionKind } from './session-access.js';
import { refusal, sessionBlocker } from './session-step.js';

/** What `migrate --plan` says about the connection: what pgfleet takes the URL to be, and where non-transactional steps go. */
export interface ConnectionReport {
  /** The database URL, without its password. */
  readonly database: string;
  readonly kind: ConnectionKind;
  /** The pooling mode assumed (PgBouncer's cannot be read without its admin console). */
  readonly assumed: 'session' | 'transaction';
  readonly evidence: string;
  /** directDatabase, without its password, or null. */
  readonly directDatabase: string | null;
  /** Where the run's non-transactional steps would run, if it has any. */
  readonly nonTransactionalSteps: 'none' | 'directDatabase' | 'database' | 'pooled';
  /** Why the run would stop before touching any schema (a step that needs a session it cannot have), or null. */
  readonly wouldStop: string | null;
}

/** The migrations `plan` would run, from the directory. */
function planned(set: MigrationSet, plan: RunResult['plan']): Migration[] {
  const ids = new Set(plan.flatMap((p) => p.migrations.map((id) => `${p.scope}/${id}`)));
  return [...set.shared, ...set.tenant].filter((m) => ids.has(`${m.scope}/${m.id}`));
}

export async function describeConnection(
  fleet: FleetConnection,
  set: MigrationSet,
  result: RunResult,
  fake = false,
): Promise<ConnectionReport> {
  const mode = await fleet.session.mode();
  const todo = planned(set, result.plan);
  const direct = fleet.session.direct;
  const nonTransactional = !fake && todo.some((m) => !m.transactional);
  const blocking = fake ? null : sessionBlocker(todo, result.direction);
  const pooled = mode.kind !== 'postgres';
  return {
    database: safeUrl(fleet.url),
    kind: mode.kind,
    assumed: mode.assumed,
    evidence: mode.evidence,
    directDatabase: direct,
    nonTransactionalSteps: !nonTransactional ? 'none' : direct ? 'directDatabase' : pooled ? 'pooled' : 'database',
    wouldStop: blocking && pooled && !direct ? await refusal(fleet.session, safeUrl(fleet.url), blocking) : null,
  };
}

/**
 * A run's result with what the connection added: the run lock taken over from a dead run
 * (`notices`) and, for `--plan`, the connection report. A run that lost its lease (another
 * run took it over after this one stopped renewing it for longer than the expiry) started no
 * new schema after that: it is an error (exit 3), naming what was done.
 */
export async function withConnectionNotes<R extends RunResult>(
  fleet: FleetConnection,
  set: MigrationSet,
  { planOnly, fake }: { readonly planOnly: boolean; readonly fake: boolean },
  result: R,
): Promise<R> {
  const lease = fleet.lease;
  if (lease?.lost) {
    const s = result.summary;
    throw new PgfleetError(
      'lock',
      `lost the run lock on ${safeUrl(fleet.url)} to another run (this one did not renew it within runLock.expirySeconds); ${s.applied} schema(s) were done, ${s.skipped} not started`,
      { hint: 'every schema is at a version recorded in history; run the command again once the other run ends' },
    );
  }
  const notices = lease?.notices ?? [];
  return {
    ...result,
    ...(notices.length > 0 ? { notices } : {}),
    ...(planOnly ? { connection: [await describeConnection(fleet, set, result, fake)] } : {}),
  };
}

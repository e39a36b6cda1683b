import { canonicalModel } from '../devdb/canonical-model.js';
import { connect, safeUrl } from '../devdb/dev-database.js';
import { lazyDevDatabase } from '../devdb/lazy-dev-database.js';
import { serverMajor } from '../devdb/server-major.js';
import { detectDrift } from '../drift/detect.js';
import { expectedStates } from '../drift/expectations.js';
import type { DriftAgainst, DriftResult, DriftTarget } from '../drift/types.js';
import { PgfleetError } from '../errors.js';
import { databaseUrlOf } from '../fleet/databases.js';
import { listTenants, readHistory, schemaState } from '../fleet/index.js';
import { readMigrations } from '../migrations/index.js';
import type { Scope } from '../model/types.js';
import type { Project } from './project.js';

export type {
  Difference,
  DriftAgainst,
  DriftGroup,
  DriftResult,
  DriftSummary,
  HistoryFinding,
  SchemaDrift,
} from '../drift/types.js';

import { checkConcurrency, checkSchemaFlag } from './flags.js';

export interface DriftOptions {
  /** Only the shared schema, only the tenants, or one schema (default: the whole fleet). */
  readonly only?: { readonly scope: Scope } | { readonly schema: string };
  /** Compare with what each schema's applied migrations produce (default), or with the model. */
  readonly against?: DriftAgainst;
  /** Add to each group the SQL that repairs its schemas. */
  readonly fixSql?: boolean;
  /** Connections that read the catalog side by side (default: `concurrency` of pgfleet.yaml). */
  readonly concurrency?: number;
  /** Schemas read per catalog query (default: the fleet shared out between the connections, 250 to 5,000). */
  readonly batchSize?: number;
}

/** Fewer schemas than this per connection are not worth another connection. */
const MIN_BATCH = 250;

/**
 * `pgfleet drift`: compare every live schema of the fleet with what it should be, and
 * group the schemas that drift the same way. What it should be is, by default, the state
 * its applied migrations produce (replayed on the dev database, cached by checksum; the
 * shared migrations all applied for a tenant), or the model (`against: 'model'`). History
 * is checked too: migrations recorded as applied but missing from the directory, changed
 * since they ran, or applied without their history row. Pending migrations are
 * information, not drift.
 *
 * @example
 * const result = await drift(await loadProject(), { only: { scope: 'tenant' } });
 * if (!result.clean) for (const g of result.groups) console.log(g.count, g.differences[0]?.message);
 */
export async function drift(project: Project, options: DriftOptions = {}): Promise<DriftResult> {
  const only = options.only;
  if (only && 'schema' in only) checkSchemaFlag(only.schema);
  const against = options.against ?? 'history';
  if (against !== 'history' && against !== 'model') {
    throw new PgfleetError('input', `--against must be history or model, got ${JSON.stringify(against)}`);
  }
  const concurrency = checkConcurrency(options.concurrency ?? project.config.concurrency);
  const url = databaseUrlOf(project);
  const set = await readMigrations(project.config.migrations);
  const sharedSchema = project.config.shared.schema;
  // Connect first: a dead database should fail in milliseconds, before any dev database starts.
  const client = await connect(url);
  const clients = [client];
  const dev = lazyDevDatabase(project.config.devDatabase, project.config.postgres ?? undefined);
  try {
    const one = only && 'schema' in only ? only.schema : undefined;
    const scopeOnly = only && 'scope' in only ? only.scope : undefined;
    const targets: DriftTarget[] = [];
    if (scopeOnly !== 'tenant' && (one === undefined || one === sharedSchema))
      targets.push({ schema: sharedSchema, scope: 'shared' });
    let invalidNames: DriftResult['invalidNames'] = [];
    if (one !== undefined && one !== sharedSchema) {
      targets.push({ schema: one, scope: 'tenant' });
    } else if (one === undefined && scopeOnly !== 'shared') {
      const tenants = await listTenants(client, project.config);
      invalidNames = tenants.invalid;
      for (const schema of tenants.tenants) targets.push({ schema, scope: 'tenant' });
    }

    const expected = expectedStates(set, dev, against, sharedSchema, () => canonicalModel(project, dev));
    // A model that does not load is bad input (exit 2), not a finding on every schema.
    if (against === 'model') await expected.model('model', 'tenant');
    // The first connection works too: never more than `concurrency` in all.
    const workers = Math.max(1, Math.min(concurrency, Math.ceil(targets.length / MIN_BATCH)));
    for (let i = 1; i < workers; i++) clients.push(await connect(url));
    const result = await detectDrift(clients, targets, {
      sharedSchema,
      ignore: project.config.ignore,
      fixSql: options.fixSql,
      serverMajor: options.fixSql ? await serverMajor(client) : undefined,
      batchSize: options.batchSize,
      expectedModel: expected.model,
      async expectations(worker, batch) {
        const history = await readHistory(
          worker,
          batch.map((t) => t.schema),
        );
        return batch.map((t) =>
          expected.expectation(t, schemaState(t.schema, t.scope, set[t.scope], history.get(t.schema) ?? [])),
        );
      },
    });
    return { against, ...result, invalidNames };
  } catch (cause) {
    if (cause instanceof PgfleetError) throw cause;
    throw new PgfleetError('connection', `comparing schemas at ${safeUrl(url)}: ${(cause as Error).message}`, {
      cause,
    });
  } finally {
    await Promise.all(clients.map((c) => c.end().catch(() => {})));
    await dev.close();
  }
}

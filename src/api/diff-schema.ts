import { canonicalModel } from '../devdb/canonical-model.js';
import { connect, safeUrl } from '../devdb/dev-database.js';
import { serverMajor } from '../devdb/server-major.js';
import { withDevDatabase } from '../devdb/with-dev-database.js';
import { diff } from '../diff/diff.js';
import { PgfleetError } from '../errors.js';
import { databaseUrlOf } from '../fleet/databases.js';
import { inspectSchema } from '../inspect/index.js';
import type { Scope } from '../model/types.js';
import { plan } from '../plan/plan.js';
import type { Plan } from '../plan/types.js';
import { checkSchemaFlag } from './flags.js';
import type { Project } from './project.js';

export interface SchemaDiff {
  readonly schema: string;
  readonly scope: Scope;
  readonly exists: boolean;
  readonly plan: Plan;
}

/** The scope a live schema is compared with: the configured shared schema is shared, any other a tenant. */
export const scopeOf = (project: Project, schema: string): Scope =>
  schema === project.config.shared.schema ? 'shared' : 'tenant';

/**
 * What SQL takes live schema `schema` to the model of its scope. Reads the database only.
 *
 * @example
 * const { plan } = await diffSchema(await loadProject(), 'tenant_acme');
 */
export async function diffSchema(project: Project, schema: string): Promise<SchemaDiff> {
  checkSchemaFlag(schema);
  const url = databaseUrlOf(project);
  const scope = scopeOf(project, schema);
  // Connect first: a dead database should fail in milliseconds, before the dev database starts.
  const client = await connect(url);
  try {
    const desired = await withDevDatabase(project, (dev) => canonicalModel(project, dev));
    const exists = (await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).rowCount === 1;
    const sharedSchema = project.config.shared.schema;
    const live = await inspectSchema(client, schema, { sharedSchema, ignore: project.config.ignore });
    // The SQL is for this database: it is planned for its server's major.
    const major = await serverMajor(client);
    const changes = diff(live, desired[scope], { serverMajor: major });
    return { schema, scope, exists, plan: plan(changes, { scope, sharedSchema, serverMajor: major }) };
  } catch (cause) {
    if (cause instanceof PgfleetError) throw cause;
    throw new PgfleetError('connection', `reading schema "${schema}" at ${safeUrl(url)}: ${(cause as Error).message}`, {
      cause,
    });
  } finally {
    await client.end();
  }
}

import { applyStatements } from '../devdb/apply.js';
import { connect } from '../devdb/dev-database.js';
import { startEmbedded } from '../devdb/embedded.js';
import { diff } from '../diff/diff.js';
import { inspectSchema } from '../inspect/index.js';
import { ident } from '../plan/quote.js';
import { plan } from '../plan/plan.js';
import type { Plan } from '../plan/types.js';
import type { Project } from './project.js';
import { canonicalModel, withDevDatabase } from './validate.js';

export type DemoEvent =
  | { readonly kind: 'step'; readonly text: string }
  | { readonly kind: 'plan'; readonly schema: string; readonly plan: Plan };

export interface DemoResult {
  readonly tenants: readonly string[];
  readonly driftedTenant: string;
  readonly repairedStatements: number;
  readonly converged: boolean;
}

/**
 * The whole flow on a throw-away embedded Postgres: the example model is created in the
 * shared schema and three tenant schemas, one tenant drifts by hand, `diff` finds it and its
 * SQL repairs it.
 */
export async function demo(project: Project, report: (e: DemoEvent) => void): Promise<DemoResult> {
  const step = (text: string) => report({ kind: 'step', text });
  const shared = project.config.shared.schema;
  const desired = await withDevDatabase(project, (dev) => {
    step('canonicalising the model on the dev Postgres');
    return canonicalModel(project, dev);
  });
  step('starting a throw-away Postgres to stand in for production');
  const server = await startEmbedded();
  const client = await connect(server.url);
  try {
    const opts = { sharedSchema: shared };
    const sharedPlan = plan(diff(await inspectSchema(client, shared, opts), desired.shared), { scope: 'shared', sharedSchema: shared });
    step(`creating the shared schema "${shared}": ${sharedPlan.up.length} statements`);
    await applyStatements(client, sharedPlan.up, [shared]);
    const tenants = ['tenant_acme', 'tenant_globex', 'tenant_initech'];
    for (const t of tenants) {
      await client.query(`CREATE SCHEMA ${ident(t)}`);
      const p = plan(diff(await inspectSchema(client, t, opts), desired.tenant), { scope: 'tenant', sharedSchema: shared });
      await applyStatements(client, p.up, [t, shared]);
      step(`created tenant "${t}": ${p.up.length} statements`);
    }
    const drifted = tenants[1];
    const table = desired.tenant.tables.find((t) => t.indexes.length > 0) ?? desired.tenant.tables[0];
    const index = table.indexes[0];
    step(`someone drops index ${index?.name ?? '(none)'} and adds a column by hand in "${drifted}"`);
    if (index?.name) await client.query(`DROP INDEX ${ident(drifted)}.${ident(index.name)}`);
    await client.query(`ALTER TABLE ${ident(drifted)}.${ident(table.name)} ADD COLUMN legacy_note text`);

    const repair = plan(diff(await inspectSchema(client, drifted, opts), desired.tenant), { scope: 'tenant', sharedSchema: shared });
    report({ kind: 'plan', schema: drifted, plan: repair });
    step(`applying the repair to "${drifted}"`);
    await applyStatements(client, repair.up, [drifted, shared]);
    const after = diff(await inspectSchema(client, drifted, opts), desired.tenant);
    step(after.length === 0 ? `"${drifted}" matches the model again` : `"${drifted}" still differs: ${after.length} changes`);
    return { tenants, driftedTenant: drifted, repairedStatements: repair.up.length, converged: after.length === 0 };
  } finally {
    await client.end();
    await server.stop();
  }
}

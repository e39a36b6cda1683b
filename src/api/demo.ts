import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '../devdb/dev-database.js';
import { startEmbedded } from '../devdb/embedded.js';
import type { FleetStatus, RunResult } from '../fleet/index.js';
import { ident } from '../plan/quote.js';
import { type DriftResult, drift } from './drift.js';
import { createTenant, migrate, rollback, status } from './fleet.js';
import { generate } from './generate.js';
import { loadProject } from './project.js';

export type DemoEvent =
  | { readonly kind: 'step'; readonly text: string }
  | { readonly kind: 'file'; readonly path: string; readonly text: string }
  | { readonly kind: 'run'; readonly result: RunResult }
  | { readonly kind: 'status'; readonly status: FleetStatus }
  | { readonly kind: 'drift'; readonly result: DriftResult };

export interface DemoResult {
  readonly tenants: readonly string[];
  readonly generated: readonly string[];
  readonly driftedTenant: string;
  readonly driftedSchemas: readonly string[];
  readonly rolledBack: number;
  /** The first tenant's services and the slugs the code migration gave them. */
  readonly slugs: ReadonlyArray<{ readonly name: string; readonly slug: string }>;
}

const TENANTS = ['tenant_acme', 'tenant_globex', 'tenant_initech'];
const SERVICE_NAMES = ['Café Déjà', 'Naïve Façade', 'Ångström Spa'];

async function onServer<T>(url: string, work: (client: Awaited<ReturnType<typeof connect>>) => Promise<T>): Promise<T> {
  const client = await connect(url);
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * The whole flow on a throw-away embedded Postgres, in a copy of the example project:
 * migrate the shared schema, create three tenants, run a data migration in TypeScript
 * (slugs from names) on services added to them, change the model, generate and migrate,
 * show status, let one tenant drift and show it with the SQL that repairs it, roll back.
 */
export async function demo(exampleRoot: string, report: (e: DemoEvent) => void): Promise<DemoResult> {
  const step = (text: string) => report({ kind: 'step', text });
  step('starting a throw-away Postgres 17 (embedded; nothing to install)');
  const server = await startEmbedded();
  const dir = await mkdtemp(join(tmpdir(), 'pgfleet-demo-'));
  try {
    await cp(join(exampleRoot, 'schema'), join(dir, 'schema'), { recursive: true });
    await cp(join(exampleRoot, 'generated'), join(dir, 'generated'), { recursive: true });
    const config = (await readFile(join(exampleRoot, 'pgfleet.yaml'), 'utf8')).replace(
      /^devDatabase:.*$/m,
      `devDatabase: ${server.url}`,
    );
    await writeFile(join(dir, 'pgfleet.yaml'), `${config}\ndatabase: ${server.url}\n`);
    const project = () => loadProject({ configPath: join(dir, 'pgfleet.yaml') });

    step(`pgfleet migrate: the shared schema from ${dir}/generated`);
    report({ kind: 'run', result: await migrate(await project()) });
    for (const t of TENANTS) {
      const created = await createTenant(await project(), t);
      step(
        `pgfleet tenant create ${t}: ${created.migrations} migrations in ${created.ms} ms, registered in tenants_client`,
      );
    }

    const code = 'tenant/0004_fill_service_slug.ts';
    step(
      `a data migration in TypeScript, generated/${code}: fills services_service.slug from name with Unicode normalisation, between 0003 (adds slug) and 0005 (slug NOT NULL and UNIQUE)`,
    );
    report({ kind: 'file', path: `generated/${code}`, text: await readFile(join(dir, 'generated', code), 'utf8') });
    step('pgfleet rollback --tenant --to 0003, so that each tenant gets services before their slugs exist');
    report({ kind: 'run', result: await rollback(await project(), { only: { scope: 'tenant' }, to: '0003' }) });
    await onServer(server.url, async (client) => {
      for (const [i, t] of TENANTS.entries()) {
        await client.query(
          `INSERT INTO ${ident(t)}.services_service (name, price) VALUES ($1, 40), ('Crème Brûlée', 12), ($2, 25)`,
          [SERVICE_NAMES[i % SERVICE_NAMES.length], `Smörgåsbord Nº${i + 1}`],
        );
      }
    });
    step(
      'pgfleet migrate: 0004 runs in each tenant, in its transaction with 0005; a throw would leave that tenant as it was',
    );
    report({ kind: 'run', result: await migrate(await project()) });
    const filled = await onServer(server.url, async (client) => {
      const r = await client.query(`SELECT name, slug FROM ${ident(TENANTS[0])}.services_service ORDER BY id`);
      return r.rows as { name: string; slug: string }[];
    });
    step(`${TENANTS[0]}.services_service: ${filled.map((r) => `${r.name} -> ${r.slug}`).join(', ')}`);

    step('changing the model: services_service gets `is_featured` (schema/tenant/services.yaml)');
    const services = join(dir, 'schema', 'tenant', 'services.yaml');
    const yaml = await readFile(services, 'utf8');
    await writeFile(
      services,
      yaml.replace(
        /(\n {2}services_service:\n(?:.*\n)*? {4}columns:\n)/,
        '$1      is_featured:      { type: boolean, default: false, comment: Shown first on the booking page }\n',
      ),
    );
    const gen = await generate(await project(), { name: 'featured services' });
    for (const m of gen.migrations) {
      report({
        kind: 'file',
        path: `generated/${m.path}`,
        text: await readFile(join(dir, 'generated', m.path), 'utf8'),
      });
    }
    step('pgfleet migrate: the new migration on every tenant');
    report({ kind: 'run', result: await migrate(await project()) });
    report({ kind: 'status', status: await status(await project()) });

    const drifted = TENANTS[1];
    step(`someone adds a column by hand in "${drifted}"; pgfleet drift --fix-sql finds it and prints the repair`);
    await onServer(server.url, (client) =>
      client.query(`ALTER TABLE ${ident(drifted)}.services_service ADD COLUMN legacy_note text`),
    );
    const found = await drift(await project(), { fixSql: true });
    report({ kind: 'drift', result: found });

    step('pgfleet rollback --tenant --steps 1');
    const back = await rollback(await project(), { only: { scope: 'tenant' }, steps: 1 });
    report({ kind: 'run', result: back });
    report({ kind: 'status', status: await status(await project()) });
    return {
      tenants: TENANTS,
      generated: gen.migrations.map((m) => m.path),
      driftedTenant: drifted,
      driftedSchemas: found.schemas.filter((x) => x.drifted).map((x) => x.schema),
      rolledBack: back.summary.applied,
      slugs: filled,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
    await server.stop();
  }
}

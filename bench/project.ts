import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generate } from '../src/api/generate.js';
import { type FleetProject as Fleet, loadFleetProject, loadProject, type Project } from '../src/api/project.js';
import { readMigrations, writeSum } from '../src/migrations/index.js';
import { projectDir } from '../test/support/project-dir.js';
import { SHARED_YAML, tenantYaml } from './synthetic-yaml.js';

/** A pgfleet project in a temporary folder: pgfleet.yaml, schema/ and generated/. */
export interface BenchProject {
  readonly dir: string;
  readonly configPath: string;
  readonly migrations: string;
  load(): Promise<Project>;
  /** pgfleet.yaml only, as the fleet commands (and an application creating tenants) load it. */
  loadFleet(): Promise<Fleet>;
  writeTenantModel(yaml: string): Promise<void>;
  remove(): Promise<void>;
}

export interface ProjectOptions {
  readonly databaseUrl: string;
  readonly devDatabase: string;
  /** LIKE pattern of the fleet's tenant schemas. */
  readonly match: string;
  readonly tenantYaml: string;
  /** Reuse this folder (a child process opening the project the parent made). */
  readonly dir?: string;
}

export async function benchProject(o: ProjectOptions): Promise<BenchProject> {
  const dir =
    o.dir ??
    (await projectDir({
      prefix: 'pgfleet-bench-',
      devDatabase: o.devDatabase,
      database: o.databaseUrl,
      // The fleet figures time one transactional migration per schema against the floor
      // running its SQL in one transaction; concurrent builds (online forms, the default)
      // cannot run in one, and bench/online.ts measures them. Its plain index build blocks
      // writes, which is nothing on the bench's empty tables.
      config: `tenants:\n  match: '${o.match}'\nconcurrency: 1\nonline: false\nallowHazards: [index_build, validates, blocks_writes]\n`,
      files: { 'schema/shared/tenants.yaml': SHARED_YAML, 'schema/tenant/app.yaml': o.tenantYaml },
    }));
  const configPath = join(dir, 'pgfleet.yaml');
  const writeTenantModel = (yaml: string) => writeFile(join(dir, 'schema', 'tenant', 'app.yaml'), yaml);
  return {
    dir,
    configPath,
    migrations: join(dir, 'generated'),
    load: () => loadProject({ configPath }),
    loadFleet: () => loadFleetProject({ configPath }),
    writeTenantModel,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * The fleet project: a 20-table tenant model (v1) and one change to it (v2: a column with a
 * default and an index on it), both generated and verified by pgfleet itself. The second
 * tenant migration is kept aside until `withNewMigration(true)`.
 */
export interface FleetProject extends BenchProject {
  /** Tenant migration 0001 (the whole 20-table model). */
  readonly initial: { readonly up: string };
  /** Tenant migration 0002 as pgfleet generated it. */
  readonly change: {
    readonly path: string;
    readonly version: string;
    readonly text: string;
    readonly up: string;
    readonly down: string;
  };
  withNewMigration(present: boolean): Promise<void>;
  /** Point the fleet at the tenant schemas matching `pattern` (a LIKE pattern). */
  setMatch(pattern: string): Promise<void>;
}

export const FLEET_TABLES = 20;
const META = 'bench-fleet.json';

/** Make the fleet project (generating its two migrations), or open the one in `o.dir`. */
export async function fleetProject(o: Omit<ProjectOptions, 'tenantYaml'>): Promise<FleetProject> {
  const p = await benchProject({ ...o, tenantYaml: tenantYaml({ tables: FLEET_TABLES }) });
  const metaFile = join(p.dir, META);
  if (!o.dir) {
    await generate(await p.load(), { name: 'initial' });
    await p.writeTenantModel(tenantYaml({ tables: FLEET_TABLES, capacity: true }));
    await generate(await p.load(), { name: 'add capacity' });
    const set = await readMigrations(p.migrations);
    const [first, second] = set.tenant;
    if (!first || !second || set.tenant.length !== 2)
      throw new Error('the fleet project needs exactly two tenant migrations');
    const text = await readFile(join(p.migrations, second.path), 'utf8');
    const meta = {
      initial: { up: first.up },
      change: { path: second.path, version: second.version, text, up: second.up, down: second.down },
    };
    await writeFile(metaFile, JSON.stringify(meta));
  }
  const meta = JSON.parse(await readFile(metaFile, 'utf8')) as Pick<FleetProject, 'initial' | 'change'>;
  const file = join(p.migrations, meta.change.path);
  return {
    ...p,
    ...meta,
    async withNewMigration(present: boolean) {
      if (present) await writeFile(file, meta.change.text);
      else await rm(file, { force: true });
      await writeSum(p.migrations);
    },
    async setMatch(pattern: string) {
      const text = await readFile(p.configPath, 'utf8');
      await writeFile(p.configPath, text.replace(/^ {2}match: .*$/m, `  match: '${pattern}'`));
    },
  };
}

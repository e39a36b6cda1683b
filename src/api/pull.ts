import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type pg from 'pg';
import { type Config, displayName } from '../config/config.js';
import { connect, safeUrl } from '../devdb/dev-database.js';
import { PgfleetError } from '../errors.js';
import { listTenants } from '../fleet/targets.js';
import { inspectSchemas } from '../inspect/index.js';
import {
  type OwnSchemaReference,
  qualifiedNames,
  shadowedByCatalog,
  unqualifyOwnSchema,
} from '../inspect/own-schema-references.js';
import { countByKind, readUnmodelled, type UnmodelledObject } from '../inspect/read-unmodelled.js';
import { scopeOf } from '../inspect/scope.js';
import { emptyModel } from '../model/build.js';
import { schemaNameProblem } from '../model/names.js';
import { type Model, type Scope, SHARED_PREFIX } from '../model/types.js';
import { writeModel } from '../write-yaml/write-model.js';

export interface PullOptions {
  /** The shared schema to read; default: `shared.schema` of pgfleet.yaml. */
  readonly sharedSchema?: string;
  /** The tenant schema to read tenant objects from; default: `tenants.template`, else the first tenant. */
  readonly tenantTemplate?: string;
  /** One file per scope instead of one per table-name prefix. */
  readonly oneFile?: boolean;
  /** Replace existing model files. */
  readonly force?: boolean;
}

export interface PulledFile {
  readonly path: string;
  readonly scope: Scope;
  readonly tables: readonly string[];
}

export interface PullResult {
  readonly shared: { readonly schema: string; readonly tables: number };
  /** Null when the database has no tenant schema to read. */
  readonly tenant: { readonly schema: string; readonly tables: number } | null;
  readonly files: readonly PulledFile[];
  /** Files of an earlier model that --force removed. */
  readonly removed: readonly string[];
  /** Objects the model cannot describe yet: not written, keep them in hand-written migrations. */
  readonly notPulled: readonly UnmodelledObject[];
  /** `notPulled` counted by kind, most first, with the reason the objects of a kind share. */
  readonly notPulledKinds: readonly { kind: string; count: number; reason: string }[];
  /**
   * References to the tenant template's own schema name in SQL text: rewritten to the
   * unqualified name where that finds the same object in any tenant, else left and reported.
   */
  readonly ownSchemaReferences: readonly OwnSchemaReference[];
  readonly warnings: readonly string[];
}

const YAML_FILE = /\.ya?ml$/;

async function yamlFilesIn(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isFile() && YAML_FILE.test(e.name)).map((e) => join(dir, e.name));
  } catch {
    return [];
  }
}

/** Model files that a pull would replace. */
async function existingModelFiles(model: string): Promise<string[]> {
  return [
    ...(await yamlFilesIn(join(model, 'shared'))),
    ...(await yamlFilesIn(join(model, 'tenant'))),
    ...(await yamlFilesIn(model)),
  ].sort();
}

async function tenantToRead(client: pg.ClientBase, config: Config, options: PullOptions): Promise<string | null> {
  const given = options.tenantTemplate ?? config.tenants.template;
  if (given) return given;
  const { tenants } = await listTenants(client, config);
  return tenants[0] ?? null;
}

function checkSchemaName(name: string, flag: string): void {
  const problem = schemaNameProblem(name);
  if (problem) throw new PgfleetError('input', `invalid ${flag} ${JSON.stringify(name)}: ${problem}`);
}

/** Foreign keys that point outside the shared and tenant schemas: the model cannot say them. */
function foreignTargets(model: Model, schema: string): string[] {
  return model.tables.flatMap((t) =>
    t.foreignKeys
      .filter((fk) => fk.refTable.includes('.') && !fk.refTable.startsWith(SHARED_PREFIX))
      .map((fk) => `${schema}.${t.name}: foreign key ${fk.name} references ${fk.refTable}, outside the model`),
  );
}

/**
 * `pgfleet pull`: write the YAML model of a live database, to adopt a project that Django,
 * Rails or hand-written SQL made. The shared scope is read from the shared schema, the
 * tenant scope from one tenant schema (the template, else the first tenant the config
 * finds). Existing model files are replaced only with `force`. Objects the model cannot
 * describe yet are listed in `notPulled`, not silently lost.
 *
 * @example
 * const result = await pull(await loadConfig({}), { tenantTemplate: 'tenant_demo' });
 */
export async function pull(config: Config, options: PullOptions = {}): Promise<PullResult> {
  const sharedSchema = options.sharedSchema ?? config.shared.schema;
  checkSchemaName(sharedSchema, '--shared-schema');
  if (options.tenantTemplate !== undefined) checkSchemaName(options.tenantTemplate, '--tenant-template');
  const existing = await existingModelFiles(config.model);
  if (existing.length > 0 && !options.force) {
    throw new PgfleetError('input', `the model folder already has ${existing.length} file(s); pull writes nothing`, {
      diagnostics: existing.map((f) => ({
        file: displayName(f),
        line: 1,
        col: 1,
        pointer: '',
        message: 'would be replaced',
      })),
      hint: 'rerun with --force to replace them (they are in version control, aren’t they?), or set `model` in pgfleet.yaml to another folder',
    });
  }
  const url = config.database;
  if (!url) {
    throw new PgfleetError('input', 'no database to pull from', {
      hint: 'pass --database-url, set DATABASE_URL, or set `database:` in pgfleet.yaml',
    });
  }
  const client = await connect(url);
  let shared: Model;
  let tenant: Model | null;
  let tenantSchema: string | null;
  let notPulled: UnmodelledObject[];
  let ownSchemaReferences: OwnSchemaReference[] = [];
  try {
    const found = await client.query<{ nspname: string }>('SELECT nspname FROM pg_namespace WHERE nspname = $1', [
      sharedSchema,
    ]);
    if (found.rowCount === 0) {
      throw new PgfleetError('input', `the shared schema "${sharedSchema}" does not exist in ${safeUrl(url)}`, {
        hint: 'pass --shared-schema, or set shared.schema in pgfleet.yaml',
      });
    }
    tenantSchema = await tenantToRead(client, config, options);
    if (tenantSchema !== null) {
      checkSchemaName(tenantSchema, 'tenant schema');
      const has = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [tenantSchema]);
      if (has.rowCount === 0) {
        throw new PgfleetError('input', `the tenant schema "${tenantSchema}" does not exist`, {
          hint: 'pass --tenant-template with an existing tenant schema',
        });
      }
    }
    const schemas = tenantSchema === null ? [sharedSchema] : [sharedSchema, tenantSchema];
    const models = await inspectSchemas(client, schemas, {
      sharedSchema,
      ignore: config.ignore,
      keepOwnSchemaNames: true,
    });
    shared = models.get(sharedSchema) ?? emptyModel();
    tenant = tenantSchema === null ? null : (models.get(tenantSchema) ?? emptyModel());
    notPulled = await readUnmodelled(client, scopeOf(schemas, sharedSchema));
    if (tenant !== null && tenantSchema !== null) {
      const shadowed = await shadowedByCatalog(client, [...qualifiedNames(tenant, tenantSchema)]);
      ({ model: tenant, references: ownSchemaReferences } = unqualifyOwnSchema(tenant, tenantSchema, shadowed));
    }
  } catch (cause) {
    if (cause instanceof PgfleetError) throw cause;
    throw new PgfleetError('connection', `reading ${safeUrl(url)}: ${(cause as Error).message}`, { cause });
  } finally {
    await client.end();
  }

  const warnings = [
    ...foreignTargets(shared, sharedSchema),
    ...(tenant && tenantSchema ? foreignTargets(tenant, tenantSchema) : []),
  ];
  if (sharedSchema !== config.shared.schema) {
    warnings.push(`pgfleet.yaml says shared.schema: ${config.shared.schema}; set it to ${sharedSchema}`);
  }
  if (tenant === null) warnings.push('no tenant schema found: only the shared scope was written');
  for (const r of ownSchemaReferences.filter((r) => !r.rewritten)) {
    warnings.push(`${tenantSchema}: ${r.place} names ${r.reference}, left as it is: ${r.reason}`);
  }

  if (tenant !== null && tenant.extensions.length > 0) {
    warnings.push(
      `extension(s) ${tenant.extensions.map((e) => e.name).join(', ')} live in the tenant schema; the model keeps extensions in the shared scope, so they were not written`,
    );
    tenant = { ...tenant, extensions: [] };
  }
  const files = writeModel({ shared, tenant: tenant ?? emptyModel() }, { oneFile: options.oneFile });
  for (const f of existing) await rm(f);
  const written: PulledFile[] = [];
  for (const scope of ['shared', 'tenant'] as const) await mkdir(join(config.model, scope), { recursive: true });
  for (const f of files) {
    const dir = join(config.model, f.scope);
    const path = join(dir, f.name);
    const schemaUrl = relative(dir, join(config.root, 'node_modules', 'pgfleet', 'pgfleet.schema.json'));
    await writeFile(path, `# yaml-language-server: $schema=${schemaUrl}\n${f.text}`);
    written.push({ path: displayName(path), scope: f.scope, tables: f.tables });
  }
  return {
    shared: { schema: sharedSchema, tables: shared.tables.length },
    tenant: tenant && tenantSchema ? { schema: tenantSchema, tables: tenant.tables.length } : null,
    files: written,
    removed: existing.map((f) => displayName(f)),
    notPulled,
    notPulledKinds: countByKind(notPulled),
    ownSchemaReferences,
    warnings,
  };
}

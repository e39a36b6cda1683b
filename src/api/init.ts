import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { PgfleetError } from '../errors.js';

export interface InitOptions {
  /** Where to scaffold (default: the current directory). */
  readonly dir?: string;
  /** Path of the config file to write, relative to `dir` (default pgfleet.yaml). */
  readonly configPath?: string;
  /** Write `database:` with this URL instead of reading DATABASE_URL. */
  readonly databaseUrl?: string;
}

export interface InitResult {
  /** The files written, relative to `dir`. */
  readonly files: readonly string[];
}

const CONFIG = (
  databaseUrl?: string,
) => `# yaml-language-server: $schema=./node_modules/pgfleet/pgfleet-config.schema.json
# pgfleet project config. Every key is optional; the values below are the defaults except tenants.

# The fleet's database. Default: the DATABASE_URL environment variable; --database-url wins.
${databaseUrl ? `database: ${JSON.stringify(databaseUrl)}` : '# database: $' + '{DATABASE_URL}'}

# Scratch Postgres for generate/validate: a private embedded server, or a URL (run it at
# production's major version).
devDatabase: embedded

# The YAML model (schema/shared/*.yaml, schema/tenant/*.yaml) and the migrations generated from it.
model: schema
migrations: generated

shared:
  schema: public

tenants:
  # Which schemas are tenants: a query returning schema names, a LIKE pattern, or a list.
  # django-tenants keeps one row per tenant in the shared tenants_client table:
  #   query: SELECT schema_name FROM public.tenants_client WHERE schema_name <> 'public'
  match: 'tenant\\_%'
  # SQL run in \`pgfleet tenant create NAME\`'s transaction, with NAME as $1:
  # register: INSERT INTO public.tenants_client (schema_name, name) VALUES ($1, $1)

# Schemas migrated side by side, and connections drift reads the catalog on.
concurrency: 4
`;

const SHARED = `# yaml-language-server: $schema=../../node_modules/pgfleet/pgfleet.schema.json
# Tables of the shared schema (public): one copy for the whole product.
tables:
  accounts_user:
    columns:
      id:    { type: bigint, identity: by default }
      email: { type: text, unique: true }
    primaryKey: [id]
`;

const TENANT = `# yaml-language-server: $schema=../../node_modules/pgfleet/pgfleet.schema.json
# Tables of every tenant schema: one identical copy per customer.
tables:
  notes_note:
    columns:
      id:         { type: bigint, identity: by default }
      title:      { type: text }
      created_at: { type: timestamptz, default: { sql: now() } }
    primaryKey: [id]
`;

/**
 * \`pgfleet init\`: a new project in \`dir\`: pgfleet.yaml, an example table in
 * schema/shared and in schema/tenant. Refuses, writing nothing, when any of them exists.
 */
export async function init(options: InitOptions = {}): Promise<InitResult> {
  const dir = resolve(options.dir ?? '.');
  const configPath = resolve(dir, options.configPath ?? 'pgfleet.yaml');
  const files: Array<[string, string]> = [
    [configPath, CONFIG(options.databaseUrl)],
    [join(dir, 'schema', 'shared', 'app.yaml'), SHARED],
    [join(dir, 'schema', 'tenant', 'app.yaml'), TENANT],
  ];
  const there = files.map(([path]) => path).filter((path) => existsSync(path));
  if (there.length > 0 || existsSync(join(dir, 'schema'))) {
    throw new PgfleetError(
      'input',
      `a pgfleet project is already here: ${there[0] ? relative(dir, there[0]) : 'schema/'} exists; nothing was written`,
      {
        hint: 'run `pgfleet validate` to check it, or `pgfleet init` in an empty folder',
      },
    );
  }
  for (const [path, text] of files) {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text, { flag: 'wx' });
  }
  return { files: files.map(([path]) => relative(dir, path)) };
}

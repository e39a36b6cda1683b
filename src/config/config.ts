import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { PgfleetError } from '../errors.js';
import { type IgnoreRules, NO_IGNORE, PRESETS } from '../model/ignore.js';
import { cachedRawConfig } from './config-cache.js';
import { type OnlineConfig, onlineConfig } from './online-config.js';
import type { RawConfig, RawTenants } from './raw-config.js';
import { DEFAULT_TENANT_NAME_PATTERN, type RolloutConfig, rolloutConfig } from './rollout-config.js';

export type { RolloutConfig, WaveConfig } from './rollout-config.js';

/** The project config (pgfleet.yaml) with every default filled in and every path absolute. */
export interface Config {
  /** The folder of pgfleet.yaml (the working directory when there is none). */
  readonly root: string;
  /** The fleet's database: --database-url, else `database`, else DATABASE_URL, else null. */
  readonly database: string | null;
  /** `embedded`, `docker:IMAGE` (a throw-away container, see src/devdb/container.ts) or the URL of a scratch server. */
  readonly devDatabase: string;
  /** Production's Postgres major (`postgres: 15`): the embedded dev database runs it. Null: the one pgfleet ships. */
  readonly postgres: number | null;
  /** Absolute path of the model folder (default `<root>/schema`). */
  readonly model: string;
  /** Absolute path of the generated migrations (default `<root>/generated`). */
  readonly migrations: string;
  readonly shared: { readonly schema: string };
  readonly tenants: TenantsConfig;
  /**
   * The databases of the fleet, each with its own shared schema and tenants: `databases`
   * when configured, else the one `database` (empty when none is known). --database-url
   * narrows to that database.
   */
  readonly databases: readonly {
    readonly url: string;
    readonly tenants: TenantsConfig;
    /** `directDatabase`: the same database reached without a pooler, for work that needs a real session; null when not given. */
    readonly direct?: string | null;
  }[];
  readonly concurrency: number;
  /** Objects pgfleet never pulls, diffs, drops or reports as drift, per scope (presets expanded). */
  readonly ignore: IgnoreRules;
  /** The run lock's lease (see src/fleet/run-lease.ts); absent: its default expiry. */
  readonly runLock?: { readonly expiryMs: number };
  /** Online forms, allowed hazards and lock discipline (`online`, `allowHazards`, `locks`); absent: the defaults. */
  readonly online?: OnlineConfig;
  /** `rollout:` (waves, failure budget, preflight), or null: every tenant is one wave. */
  readonly rollout: RolloutConfig | null;
}

export interface TenantsConfig {
  readonly query: string | null;
  readonly match: string | null;
  readonly list: readonly string[] | null;
  readonly register: string | null;
  readonly unregister: string | null;
  readonly template: string | null;
  /** `migrate` keeps `pgfleet.create_tenant(name)` current in the database (default true). */
  readonly createFunction: boolean;
  /** What `tenant create` accepts as a new tenant's name (a regular expression over the whole name). */
  readonly namePattern: string;
}

const tenantsConfig = (t: RawTenants = {}): TenantsConfig => ({
  query: t.query ?? null,
  match: t.match ?? null,
  list: t.list ? Object.freeze([...t.list]) : null,
  register: t.register ?? null,
  unregister: t.unregister ?? null,
  template: t.template ?? null,
  createFunction: t.createFunction ?? true,
  namePattern: t.namePattern ?? DEFAULT_TENANT_NAME_PATTERN,
});

export interface LoadConfigOptions {
  /**
   * The config file, relative to `cwd`; default `pgfleet.yaml`. When that default file does
   * not exist every default applies; any other path must exist (a typo in --config must
   * not silently mean "no config").
   */
  configPath?: string;
  cwd?: string;
  /** Environment for `${VAR}` and DATABASE_URL; default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** The --database-url flag: wins over the config and DATABASE_URL. */
  databaseUrl?: string;
}

/** `ignore:` with its presets expanded into both scopes. */
function ignoreRules(raw: RawConfig['ignore']): IgnoreRules {
  if (!raw) return NO_IGNORE;
  const presets = (Array.isArray(raw.preset) ? raw.preset : raw.preset ? [raw.preset] : []).flatMap(
    (p) => PRESETS[p] ?? [],
  );
  return Object.freeze({
    shared: Object.freeze([...presets, ...(raw.shared ?? [])]),
    tenant: Object.freeze([...presets, ...(raw.tenant ?? [])]),
  });
}

/**
 * Read pgfleet.yaml: interpolate `${VAR}`, validate it against pgfleet-config.schema.json
 * and fill in the defaults. Every problem is reported at once, as one
 * `PgfleetError('input')` whose diagnostics point at `file:line:col`.
 *
 * @example
 * const config = await loadConfig({ databaseUrl: flags['database-url'] });
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<Config> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const env = options.env ?? process.env;
  const path = resolve(cwd, options.configPath ?? 'pgfleet.yaml');
  const text = await readConfigText(path, path !== resolve(cwd, 'pgfleet.yaml'));
  const root = dirname(path);
  const file = displayName(path, cwd);
  // The YAML parser and the schema's validator are loaded only when the file is not in the cache.
  const raw =
    text === null
      ? {}
      : await cachedRawConfig(path, text, async () =>
          (await import('./parse-config.js')).parseConfig(file, text, env, options),
        );

  const tenants = tenantsConfig(raw.tenants);
  const database = options.databaseUrl || raw.database || (raw.databases ? null : env.DATABASE_URL) || null;
  // directDatabase: a database's own, else the top-level one (which goes with `database`,
  // DATABASE_URL or --database-url); an empty value (e.g. ${DIRECT_DATABASE_URL:-}) is none.
  // (Present only when given, so a config without it reads as before.)
  const direct = (d?: { directDatabase?: string | null }, top = true) => {
    const url = d?.directDatabase || (top ? raw.directDatabase : null);
    return url ? { direct: url } : {};
  };
  const databases = options.databaseUrl
    ? [
        {
          url: options.databaseUrl,
          tenants: tenantsConfig(raw.databases?.find((d) => d.url === options.databaseUrl)?.tenants ?? raw.tenants),
          ...direct(raw.databases?.find((d) => d.url === options.databaseUrl)),
        },
      ]
    : raw.databases
      ? raw.databases.map((d) => ({
          url: d.url,
          tenants: d.tenants ? tenantsConfig(d.tenants) : tenants,
          ...direct(d, false),
        }))
      : database
        ? [{ url: database, tenants, ...direct() }]
        : [];
  return {
    root,
    database: database ?? databases[0]?.url ?? null,
    databases,
    devDatabase: raw.devDatabase ?? 'embedded',
    postgres: raw.postgres ?? null,
    model: resolve(root, raw.model ?? 'schema'),
    migrations: resolve(root, raw.migrations ?? 'generated'),
    shared: { schema: raw.shared?.schema ?? 'public' },
    tenants,
    concurrency: raw.concurrency ?? 4,
    ignore: ignoreRules(raw.ignore),
    ...(raw.runLock?.expirySeconds !== undefined
      ? { runLock: { expiryMs: Math.round(raw.runLock.expirySeconds * 1000) } }
      : {}),
    online: onlineConfig(raw),
    rollout: raw.rollout ? rolloutConfig(raw.rollout) : null,
  };
}

async function readConfigText(path: string, explicit: boolean): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !explicit) return null;
    throw new PgfleetError(
      'input',
      code === 'ENOENT' ? `config file not found: ${path}` : `cannot read ${path}: ${(cause as Error).message}`,
      { hint: 'pass --config with the path of pgfleet.yaml, or run pgfleet in the folder that holds it', cause },
    );
  }
}

/** A path as the user would click it: relative to the working directory when inside it. */
export function displayName(path: string, cwd: string = process.cwd()): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

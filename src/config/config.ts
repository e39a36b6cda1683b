import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { type Diagnostic, PgfleetError } from '../errors.js';
import { type IgnoreRules, NO_IGNORE, PRESETS } from '../model/ignore.js';
import { schemaNameProblem } from '../model/names.js';
import { configValidator } from '../yaml/json-schemas.js';
import { schemaDiagnostics } from '../yaml/schema-diagnostics.js';
import { isStackOverflow, YamlSource } from '../yaml/yaml-source.js';
import { interpolate } from './interpolate.js';
import { type OnlineConfig, onlineConfig, type RawOnlineConfig } from './online-config.js';
import {
  DEFAULT_TENANT_NAME_PATTERN,
  namePatternProblem,
  type RawRollout,
  type RolloutConfig,
  rolloutConfig,
  rolloutProblems,
} from './rollout-config.js';

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

type RawTenants = {
  query?: string | null;
  match?: string | null;
  list?: string[] | null;
  register?: string | null;
  unregister?: string | null;
  template?: string | null;
  createFunction?: boolean;
  namePattern?: string;
};

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

interface RawConfig extends RawOnlineConfig {
  database?: string | null;
  devDatabase?: string;
  postgres?: number;
  model?: string;
  migrations?: string;
  shared?: { schema?: string };
  tenants?: RawTenants;
  databases?: { url: string; tenants?: RawTenants; directDatabase?: string | null }[];
  concurrency?: number;
  ignore?: { preset?: string | string[]; shared?: string[]; tenant?: string[] };
  directDatabase?: string | null;
  runLock?: { expirySeconds?: number };
  rollout?: RawRollout;
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
  const raw =
    text === null
      ? {}
      : await parseConfig(file, text, env, options).catch((error) => {
          if (!isStackOverflow(error)) throw error;
          throw new PgfleetError('input', `1 problem in ${file}`, {
            diagnostics: [{ file, line: 1, col: 1, pointer: '', message: 'this file nests too deeply to read' }],
            hint: 'pgfleet.yaml needs only a few levels of nesting; look for runaway [ or {',
          });
        });

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

async function parseConfig(
  file: string,
  text: string,
  env: Readonly<Record<string, string | undefined>>,
  options: LoadConfigOptions,
): Promise<RawConfig> {
  const source = YamlSource.parse(file, text);
  const diagnostics: Diagnostic[] = source.syntaxDiagnostics();
  if (diagnostics.length === 0) {
    source.mapStrings((value, path) => {
      const result = interpolate(value, env);
      // The flag replaces `database`, so its variables need not be set (CI passes the flag).
      const overridden = options.databaseUrl !== undefined && (path[0] === 'database' || path[0] === 'databases');
      if (overridden && result.missing.length > 0) return value;
      if (!overridden) {
        for (const name of result.missing) {
          diagnostics.push(
            source.diagnostic(
              path,
              `environment variable ${name} is not set`,
              `set ${name}, or write \${${name}:-fallback} to give a default`,
              'value',
            ),
          );
        }
      }
      if (result.malformed) {
        diagnostics.push(
          source.diagnostic(
            path,
            `malformed \${...}: write \${NAME} or \${NAME:-fallback}`,
            'write $${ for a literal ${',
            'value',
          ),
        );
      }
      return result.value;
    });
  }
  let raw: RawConfig = {};
  if (diagnostics.length === 0) {
    const parsed = source.value();
    if (!parsed.ok) diagnostics.push(parsed.diagnostic);
    else {
      const value = parsed.value ?? {};
      const validate = await configValidator();
      if (!validate(value)) diagnostics.push(...schemaDiagnostics(validate.errors ?? [], source, describeConfigPath));
      else {
        raw = value as RawConfig;
        diagnostics.push(...semanticProblems(raw, source));
      }
    }
  }
  if (diagnostics.length > 0) {
    diagnostics.sort((a, b) => a.line - b.line || a.col - b.col);
    const n = diagnostics.length;
    throw new PgfleetError('input', `${n} ${n === 1 ? 'problem' : 'problems'} in ${file}`, {
      diagnostics,
      hint: 'fix pgfleet.yaml; its JSON Schema is pgfleet-config.schema.json',
    });
  }
  return raw;
}

const describeConfigPath = (path: readonly (string | number)[]): string =>
  path.length === 0 ? '' : `\`${path.join('.')}\``;

function semanticProblems(raw: RawConfig, source: YamlSource): Diagnostic[] {
  const problems: Diagnostic[] = [];
  const tenants = raw.tenants ?? {};
  const oneSource = (t: RawTenants, at: (string | number)[]) => {
    const given = (['query', 'match', 'list'] as const).filter((k) => t[k] !== undefined && t[k] !== null);
    if (given.length > 1) {
      problems.push(
        source.diagnostic(
          [...at, given[1]],
          `tenants: use one of query, match and list, not ${given.join(' and ')}`,
          'query runs SQL that returns the schema names, match is a LIKE pattern, list names them',
        ),
      );
    }
  };
  oneSource(tenants, ['tenants']);
  for (const [i, d] of (raw.databases ?? []).entries())
    if (d.tenants) oneSource(d.tenants, ['databases', i, 'tenants']);
  if (raw.databases && raw.database) {
    problems.push(
      source.diagnostic(
        ['database'],
        'use either database or databases, not both',
        'databases lists every database of a sharded fleet',
      ),
    );
  }
  if (raw.databases && raw.directDatabase) {
    problems.push(
      source.diagnostic(
        ['directDatabase'],
        'with databases, give directDatabase on each database that needs it, not at the top',
        'each database of a sharded fleet has its own server, so its own direct URL',
      ),
    );
  }
  const schemaName = (path: (string | number)[], name: string, what: string) => {
    const problem = schemaNameProblem(name);
    if (problem)
      problems.push(source.diagnostic(path, `${what} ${JSON.stringify(name)} ${problem}`, undefined, 'value'));
  };
  if (raw.shared?.schema !== undefined) schemaName(['shared', 'schema'], raw.shared.schema, 'the shared schema');
  tenants.list?.forEach((name, i) => {
    schemaName(['tenants', 'list', i], name, 'tenant schema');
    if (name === (raw.shared?.schema ?? 'public')) {
      problems.push(
        source.diagnostic(
          ['tenants', 'list', i],
          `tenant schema ${JSON.stringify(name)} is the shared schema`,
          undefined,
          'value',
        ),
      );
    }
  });
  if (tenants.template) schemaName(['tenants', 'template'], tenants.template, 'the template schema');
  const patternProblem = (t: RawTenants, at: (string | number)[]) => {
    const problem = t.namePattern === undefined ? null : namePatternProblem(t.namePattern);
    if (problem) problems.push(source.diagnostic([...at, 'namePattern'], problem, undefined, 'value'));
  };
  patternProblem(tenants, ['tenants']);
  for (const [i, d] of (raw.databases ?? []).entries())
    if (d.tenants) patternProblem(d.tenants, ['databases', i, 'tenants']);
  if (raw.rollout) {
    for (const p of rolloutProblems(raw.rollout)) problems.push(source.diagnostic(p.path, p.message, p.hint, 'value'));
  }
  return problems;
}

/** A path as the user would click it: relative to the working directory when inside it. */
export function displayName(path: string, cwd: string = process.cwd()): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

import { type Diagnostic, PgfleetError } from '../errors.js';
import { schemaNameProblem } from '../model/names.js';
import { configValidator } from '../yaml/json-schemas.js';
import { schemaDiagnostics } from '../yaml/schema-diagnostics.js';
import { isStackOverflow, YamlSource } from '../yaml/yaml-source.js';
import type { LoadConfigOptions } from './config.js';
import { interpolate } from './interpolate.js';
import type { RawConfig, RawTenants } from './raw-config.js';
import { namePatternProblem, rolloutProblems } from './rollout-config.js';

/** pgfleet.yaml read; `fromEnvironment` when a value came from `${VAR}` (so it is never cached). */
export interface ParsedConfig {
  readonly raw: RawConfig;
  readonly fromEnvironment: boolean;
}

/**
 * pgfleet.yaml's text read, its `${VAR}`s filled in, and checked against its JSON Schema and
 * the rules a schema cannot say; every problem is thrown at once with its line and column.
 * The YAML parser and the validator load with this module, so config.ts imports it only when
 * the file is not in the cache (config-cache.ts).
 */
export async function parseConfig(
  file: string,
  text: string,
  env: Readonly<Record<string, string | undefined>>,
  options: LoadConfigOptions,
): Promise<ParsedConfig> {
  return parseValidated(file, text, env, options).catch((error) => {
    if (!isStackOverflow(error)) throw error;
    throw new PgfleetError('input', `1 problem in ${file}`, {
      diagnostics: [{ file, line: 1, col: 1, pointer: '', message: 'this file nests too deeply to read' }],
      hint: 'pgfleet.yaml needs only a few levels of nesting; look for runaway [ or {',
    });
  });
}

async function parseValidated(
  file: string,
  text: string,
  env: Readonly<Record<string, string | undefined>>,
  options: LoadConfigOptions,
): Promise<ParsedConfig> {
  // A YAML escape can spell `${` where the text does not: what interpolation changed tells.
  let fromEnvironment = false;
  const source = YamlSource.parse(file, text);
  const diagnostics: Diagnostic[] = source.syntaxDiagnostics();
  if (diagnostics.length === 0) {
    source.mapStrings((value, path) => {
      const result = interpolate(value, env);
      if (result.value !== value) fromEnvironment = true;
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
  return { raw, fromEnvironment };
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

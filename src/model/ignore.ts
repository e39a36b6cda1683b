import type { Model, Scope } from './types.js';
import { SHARED_PREFIX } from './types.js';

/**
 * Objects pgfleet leaves to someone else (Django's own apps, an extension's tables, a legacy
 * schema's leftovers): never pulled, diffed, dropped or reported as drift. Names are matched
 * whole; `*` stands for any run of characters and `?` for one.
 */
export interface IgnoreRules {
  readonly shared: readonly string[];
  readonly tenant: readonly string[];
}

export const NO_IGNORE: IgnoreRules = Object.freeze({ shared: [], tenant: [] });

/**
 * The tables Django's built-in apps create and migrate themselves (`django.contrib.auth`,
 * `contenttypes`, `sessions`, `admin`, `sites`, and the migration recorder): with
 * `ignore: { preset: django }` Django keeps managing them with `manage.py migrate` (or
 * django-tenants' `migrate_schemas`), pgfleet manages the application's tables. In both
 * scopes: django-tenants puts these apps in SHARED_APPS, TENANT_APPS or both.
 */
export const DJANGO_PRESET: readonly string[] = Object.freeze([
  'django_migrations',
  'django_content_type',
  'django_session',
  'django_admin_log',
  'django_site',
  'auth_*',
]);

export const PRESETS: Readonly<Record<string, readonly string[]>> = Object.freeze({ django: DJANGO_PRESET });

const compiled = new WeakMap<readonly string[], RegExp | null>();

function patternOf(patterns: readonly string[]): RegExp | null {
  if (compiled.has(patterns)) return compiled.get(patterns) ?? null;
  const body = patterns
    .map((p) =>
      p
        .split('')
        .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
        .join(''),
    )
    .join('|');
  const re = patterns.length === 0 ? null : new RegExp(`^(?:${body})$`, 's');
  compiled.set(patterns, re);
  return re;
}

/** Whether `name`, an object of `scope`, is left alone. */
export function isIgnored(rules: IgnoreRules, scope: Scope, name: string): boolean {
  return patternOf(rules[scope])?.test(name) ?? false;
}

/**
 * `model` without the objects the rules leave alone, and without the foreign keys of kept
 * tables that point at ignored tables (Django's own migrations made them; a model that kept
 * them could not be created anywhere the ignored table is not).
 */
export function withoutIgnored(model: Model, scope: Scope, rules: IgnoreRules): Model {
  if (rules.shared.length === 0 && rules.tenant.length === 0) return model;
  const skip = (name: string) => isIgnored(rules, scope, name);
  const skipTarget = (refTable: string) =>
    refTable.startsWith(SHARED_PREFIX)
      ? isIgnored(rules, 'shared', refTable.slice(SHARED_PREFIX.length))
      : skip(refTable);
  return {
    ...model,
    enums: model.enums.filter((o) => !skip(o.name)),
    sequences: model.sequences.filter((o) => !skip(o.name)),
    tables: model.tables
      .filter((t) => !skip(t.name))
      .map((t) =>
        t.foreignKeys.some((fk) => skipTarget(fk.refTable))
          ? { ...t, foreignKeys: t.foreignKeys.filter((fk) => !skipTarget(fk.refTable)) }
          : t,
      ),
    domains: model.domains.filter((o) => !skip(o.name)),
    // A routine's name carries its argument types: `f(integer)`.
    functions: model.functions.filter((o) => !skip(o.name.replace(/\(.*$/s, ''))),
    views: model.views.filter((o) => !skip(o.name)),
    types: model.types.filter((o) => !skip(o.name)),
  };
}

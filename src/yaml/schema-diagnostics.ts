import type { ErrorObject } from 'ajv';
import type { Diagnostic } from '../errors.js';
import { closest } from './closest.js';
import { fromPointer, type Path, type YamlSource } from './yaml-source.js';

/** Names the thing at a path in words, e.g. `column bookings.starts_at`; '' for the root. */
export type Describe = (path: Path) => string;

/** Kinds a user may write at the top level of a model file, which live on their object. */
const DECLARED_ELSEWHERE: Readonly<Record<string, { message: string; hint: string }>> = {
  triggers: {
    message: 'triggers are declared under their table',
    hint: 'move each one to tables.<table>.triggers.<name>: { sql: CREATE TRIGGER ... }',
  },
  grants: {
    message: 'grants are declared on their table or view',
    hint: 'move each one to tables.<table>.grants (or views.<view>.grants): { role: [select, insert] }',
  },
  policies: {
    message: 'policies are declared under their table',
    hint: 'move each one to tables.<table>.policies.<name>: { using: ..., check: ... }, with rowLevelSecurity: true',
  },
  comments: {
    message: 'comments are written on the object they describe',
    hint: 'use `comment:` on the table, column, view, enum, domain, sequence, function, trigger or type',
  },
};

/**
 * Turn ajv's errors into one diagnostic per mistake, each at the `file:line:col` of the
 * offending key or value, saying what was expected and, where we can tell, what to write.
 */
export function schemaDiagnostics(
  errors: readonly ErrorObject[],
  source: YamlSource,
  describe: Describe,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  // `{ sqll: now() }` is one mistake: report the unknown key (with "did you mean `sql`?"),
  // not also the missing `sql`.
  const misspelt = new Set(
    errors
      .filter((e) => e.keyword === 'additionalProperties')
      .map((e) => {
        const key = String((e.params as { additionalProperty: string }).additionalProperty);
        const allowed = Object.keys(((e.parentSchema ?? {}) as { properties?: object }).properties ?? {});
        return `${e.instancePath}\0${closest(key, allowed)}`;
      }),
  );
  for (const error of errors) {
    if (error.keyword === 'required') {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      if (misspelt.has(`${error.instancePath}\0${missing}`)) continue;
    }
    const d = toDiagnostic(error, source, describe);
    const key = `${d.line}:${d.col}:${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out;
}

function toDiagnostic(error: ErrorObject, source: YamlSource, describe: Describe): Diagnostic {
  const path = fromPointer(error.instancePath);
  const parent = (error.parentSchema ?? {}) as Record<string, unknown>;
  const data: unknown = error.data;
  const what = subject(path, describe);
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String((error.params as { additionalProperty: string }).additionalProperty);
      const allowed = Object.keys((parent.properties as Record<string, unknown> | undefined) ?? {});
      const near = closest(key, allowed);
      const where = describe(path);
      return source.diagnostic(
        [...path, key],
        `unknown key \`${key}\`${where ? ` in ${where}` : ''}`,
        near ? `did you mean \`${near}\`?` : `allowed keys: ${allowed.join(', ')}`,
      );
    }
    case 'required': {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      const description = propertyDescription(parent, missing);
      const where = describe(path) || 'the file';
      return source.diagnostic(path, `${where} needs \`${missing}\``, description);
    }
    case 'type': {
      const expected =
        (parent['x-expected'] as string | undefined) ?? typesText(error.params.type as string | string[]);
      return source.diagnostic(
        path,
        `${what} must be ${expected}, not ${valueText(data)}`,
        typeHint(error.params.type as string | string[], data, parent),
        'value',
      );
    }
    case 'enum': {
      const allowed = uniqueCaseless((error.schema as unknown[]).map(String));
      const near = typeof data === 'string' ? closest(data, allowed) : undefined;
      return source.diagnostic(
        path,
        `${what} must be one of: ${allowed.join(', ')} (not ${valueText(data)})`,
        near ? `did you mean \`${near}\`?` : undefined,
        'value',
      );
    }
    case 'not': {
      // The schema lists top-level keys that belong elsewhere under `not: {}`, so that they
      // get this message instead of "unknown key".
      const kind = String(path[path.length - 1]);
      const moved = path.length === 1 ? DECLARED_ELSEWHERE[kind] : undefined;
      if (moved) return source.diagnostic(path, moved.message, moved.hint);
      return source.diagnostic(
        path,
        `${kind} are not supported yet`,
        'write them in a hand-written migration (`pgfleet new`) until the model supports them',
      );
    }
    case 'uniqueItems': {
      const { i, j } = error.params as { i: number; j: number };
      const item = Array.isArray(data) ? data[j] : undefined;
      // ajv reports the later index as `i`; point at it.
      return source.diagnostic(
        [...path, Math.max(i, j)],
        `${what} lists ${typeof item === 'string' ? JSON.stringify(item) : valueText(item)} twice`,
        undefined,
        'value',
      );
    }
    case 'minItems':
    case 'minLength':
    case 'minProperties': {
      const limit = Number((error.params as { limit: number }).limit);
      const unit = error.keyword === 'minLength' ? 'character' : error.keyword === 'minItems' ? 'item' : 'entry';
      const message = limit === 1 ? `${what} must not be empty` : `${what} needs at least ${limit} ${unit}s`;
      return source.diagnostic(path, message, undefined, 'value');
    }
    case 'pattern': {
      const expected = (parent['x-expected'] as string | undefined) ?? `text matching ${String(error.schema)}`;
      return source.diagnostic(path, `${what} must be ${expected}, not ${valueText(data)}`, undefined, 'value');
    }
    case 'minimum':
    case 'maximum': {
      const limit = (error.params as { limit: number }).limit;
      const bound = error.keyword === 'minimum' ? 'at least' : 'at most';
      return source.diagnostic(path, `${what} must be ${bound} ${limit}, not ${valueText(data)}`, undefined, 'value');
    }
    default:
      return source.diagnostic(path, `${what} ${error.message ?? 'is invalid'}`, undefined, 'value');
  }
}

function subject(path: Path, describe: Describe): string {
  const described = describe(path);
  if (described) return described;
  return path.length === 0 ? 'the file' : `\`${String(path[path.length - 1])}\``;
}

function propertyDescription(parent: Record<string, unknown>, key: string): string | undefined {
  const properties = parent.properties as Record<string, { description?: string }> | undefined;
  return properties?.[key]?.description;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'true or false',
  array: 'a list',
  object: 'a map',
  null: 'null',
};

function typesText(types: string | string[]): string {
  const words = (Array.isArray(types) ? types : [types]).map((t) => TYPE_WORDS[t] ?? t);
  return words.length === 1 ? words[0] : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

/** How a YAML value reads back to the user; a key with nothing after it is null. */
export function valueText(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return `the string ${JSON.stringify(value)}`;
    case 'number':
      return `the number ${value}`;
    case 'boolean':
      return String(value);
    default:
      return 'a map';
  }
}

function typeHint(types: string | string[], data: unknown, parent: Record<string, unknown>): string | undefined {
  const expected = Array.isArray(types) ? types : [types];
  if (expected.includes('string') && (typeof data === 'number' || typeof data === 'boolean')) {
    return `quote it to make it a string: "${String(data)}"`;
  }
  if (expected.includes('boolean') && typeof data === 'string' && /^(yes|no|on|off|y|n)$/i.test(data)) {
    return 'YAML 1.2 booleans are true and false';
  }
  if (expected.includes('array') && !expected.includes('object') && data !== null && typeof data !== 'object') {
    return 'write a list: [a, b] or one `- item` per line';
  }
  return typeof parent.description === 'string' ? parent.description : undefined;
}

function uniqueCaseless(values: readonly string[]): string[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const k = v.toLowerCase();
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

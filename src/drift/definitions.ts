import { createTwoFilesPatch } from 'diff';
import YAML from 'yaml';
import type { Change } from '../model/changes.js';
import { stored } from '../model/compare.js';
import { SECTION_OF, touchedObject } from '../model/touched-object.js';
import type { Model } from '../model/types.js';

type Section = keyof Model;

/** The objects a change touches, by model section: a table's changes concern the whole table. */
function concerned(c: Change): Array<[Section, string]> {
  if (c.kind === 'rename_table') {
    return [
      ['tables', c.from],
      ['tables', c.to],
    ];
  }
  const o = touchedObject(c);
  return [[SECTION_OF[o.kind], o.table ?? o.name ?? '']];
}

/** A model object as YAML data: without `kind` and `name` (the key says it), nulls and empty lists. */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'kind' || v === null || (Array.isArray(v) && v.length === 0)) continue;
    // Named lists (columns, indexes, constraints) read best as maps keyed by name.
    out[k] =
      Array.isArray(v) && v.every((x) => x && typeof x === 'object' && typeof x.name === 'string')
        ? byName(v)
        : plain(v);
  }
  if ('name' in out && typeof out.name === 'string') delete out.name;
  return out;
}

const byName = (items: ReadonlyArray<{ name: string }>) => Object.fromEntries(items.map((i) => [i.name, plain(i)]));

/** The YAML of `names` in `model`: one line per column, constraint element or other leaf object. */
function yamlOf(model: Model, names: ReadonlyMap<Section, ReadonlySet<string>>): string {
  const data: Record<string, unknown> = {};
  for (const [section, wanted] of names) {
    const items = (model[section] as ReadonlyArray<{ name: string }>).filter((i) => wanted.has(i.name));
    if (items.length > 0) data[section] = byName(items);
  }
  if (Object.keys(data).length === 0) return '';
  const doc = new YAML.Document(data);
  YAML.visit(doc, {
    Map(_, node) {
      if (node.items.every((p) => YAML.isScalar(p.value) || (YAML.isSeq(p.value) && p.value.flow))) node.flow = true;
    },
    Seq(_, node) {
      if (node.items.every((i) => YAML.isScalar(i))) node.flow = true;
    },
  });
  return doc.toString({ lineWidth: 0 });
}

/**
 * A unified diff of the expected and live definitions of the objects `changes` concern,
 * as YAML of their stored form (so column order and hints never show), from its first
 * hunk on: `withHeader` names the schema. Empty when `changes` is.
 *
 * @example
 * withHeader('tenant_a', definitionDiff(expected, live, diff(live, expected)));
 * // --- expected/tenant_a
 * // +++ live/tenant_a
 * // @@ -3,2 +3,3 @@ ...
 */
export function definitionDiff(expected: Model, live: Model, changes: readonly Change[]): string {
  if (changes.length === 0) return '';
  const names = new Map<Section, Set<string>>();
  for (const [section, name] of changes.flatMap(concerned)) {
    const set = names.get(section) ?? new Set<string>();
    set.add(name);
    names.set(section, set);
  }
  const patch = createTwoFilesPatch(
    'expected',
    'live',
    yamlOf(stored(expected), names),
    yamlOf(stored(live), names),
    undefined,
    undefined,
    {
      context: 3,
    },
  );
  // From the first hunk: the `=====`, `---` and `+++` lines are the caller's.
  const hunk = patch.indexOf('\n@@');
  return hunk < 0 ? '' : patch.slice(hunk + 1);
}

/** A diff body from `definitionDiff` with the `---`/`+++` lines naming `schema`. */
export const withHeader = (schema: string, body: string): string =>
  body === '' ? '' : `--- expected/${schema}\n+++ live/${schema}\n${body}`;

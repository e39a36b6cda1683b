import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import {
  CONFIG_SCHEMA_URL,
  configValidator,
  MODEL_SCHEMA_URL,
  modelFileValidator,
} from '../../src/yaml/json-schemas.js';

type Schema = Record<string, unknown>;

/** Every schema node of a JSON Schema, with its path. */
function* nodes(schema: unknown, path = '#'): Generator<[string, Schema]> {
  if (schema === null || typeof schema !== 'object') return;
  if (Array.isArray(schema)) {
    for (const [i, item] of schema.entries()) yield* nodes(item, `${path}/${i}`);
    return;
  }
  const s = schema as Schema;
  yield [path, s];
  for (const key of ['properties', 'definitions']) {
    for (const [name, sub] of Object.entries((s[key] as Schema | undefined) ?? {}))
      yield* nodes(sub, `${path}/${key}/${name}`);
  }
  for (const key of ['items', 'additionalProperties', 'not']) {
    if (typeof s[key] === 'object') yield* nodes(s[key], `${path}/${key}`);
  }
}

describe('the JSON Schemas that ship in the package', () => {
  for (const url of [MODEL_SCHEMA_URL, CONFIG_SCHEMA_URL]) {
    const name = url.pathname.split('/').pop();
    it(`${name}: closed objects, documented properties`, async () => {
      const schema = JSON.parse(await readFile(url, 'utf8')) as Schema;
      for (const [path, node] of nodes(schema)) {
        // Every fixed-key object refuses unknown keys, so that a typo is an error.
        if (node.properties) expect(node.additionalProperties, path).toBe(false);
        // Editors show descriptions as help: every property has one (directly or via its $ref).
        for (const [key, sub] of Object.entries((node.properties as Record<string, Schema> | undefined) ?? {})) {
          expect(typeof sub.description === 'string' || typeof sub.$ref === 'string', `${path}/properties/${key}`).toBe(
            true,
          );
        }
      }
    });
  }

  it('compile under ajv strict mode without warnings', async () => {
    const warn = vi.spyOn(console, 'warn');
    const log = vi.spyOn(console, 'log');
    await modelFileValidator();
    await configValidator();
    expect(warn).not.toHaveBeenCalled();
    expect(log).not.toHaveBeenCalled();
  });

  it('every example file points editors at the schema', async () => {
    for (const scope of ['shared', 'tenant']) {
      for (const file of readdirSync(join('schema', scope))) {
        const text = await readFile(join('schema', scope, file), 'utf8');
        expect(text.startsWith('# yaml-language-server: $schema=../../pgfleet.schema.json\n'), file).toBe(true);
      }
    }
    expect(
      (await readFile('pgfleet.yaml', 'utf8')).startsWith(
        '# yaml-language-server: $schema=./pgfleet-config.schema.json',
      ),
    ).toBe(true);
  });
});

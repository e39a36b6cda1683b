import { readFile } from 'node:fs/promises';
import { Ajv, type AnySchemaObject, type ValidateFunction } from 'ajv';

/**
 * The JSON Schemas that ship in the package root (editors read the same files through the
 * `# yaml-language-server: $schema=` line). The URL is relative to this module, which sits
 * two levels down both in src/load and in dist/load.
 */
export const MODEL_SCHEMA_URL = new URL('../../pgfleet.schema.json', import.meta.url);
export const CONFIG_SCHEMA_URL = new URL('../../pgfleet-config.schema.json', import.meta.url);

const cache = new Map<string, Promise<ValidateFunction>>();

function compile(url: URL): Promise<ValidateFunction> {
  let validator = cache.get(url.href);
  if (!validator) {
    validator = readFile(url, 'utf8').then((text) => {
      const ajv = new Ajv({
        // Every problem of a file at once, with the schema node that failed (for hints).
        allErrors: true,
        verbose: true,
        // `type: [array, object]` keeps each polymorphic value to one schema, which keeps
        // error messages to one per mistake instead of one per anyOf branch.
        allowUnionTypes: true,
      });
      // Annotations for editors and for our messages; they never affect validation.
      ajv.addVocabulary(['x-expected', 'deprecationMessage']);
      return ajv.compile(JSON.parse(text) as AnySchemaObject);
    });
    cache.set(url.href, validator);
  }
  return validator;
}

/** The validator of one model file (pgfleet.schema.json). */
export const modelFileValidator = (): Promise<ValidateFunction> => compile(MODEL_SCHEMA_URL);

/** The validator of pgfleet.yaml (pgfleet-config.schema.json). */
export const configValidator = (): Promise<ValidateFunction> => compile(CONFIG_SCHEMA_URL);

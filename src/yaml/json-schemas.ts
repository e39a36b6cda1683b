import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Ajv, AnySchemaObject, Options, ValidateFunction } from 'ajv';

/**
 * The JSON Schemas that ship in the package root (editors read the same files through the
 * `# yaml-language-server: $schema=` line). The URL is relative to this module, which sits
 * two levels down both in src/yaml and in dist/yaml.
 */
export const MODEL_SCHEMA_URL = new URL('../../pgfleet.schema.json', import.meta.url);
export const CONFIG_SCHEMA_URL = new URL('../../pgfleet-config.schema.json', import.meta.url);

/** The one ajv setup of both schemas, whether compiled at run time or ahead of time by the build. */
export async function newAjv(options: Options = {}): Promise<Ajv> {
  // Imported on first use: ajv is a large module and most runs use a precompiled validator.
  const { Ajv } = await import('ajv');
  const ajv = new Ajv({
    // Every problem of a file at once, with the schema node that failed (for hints).
    allErrors: true,
    verbose: true,
    // `type: [array, object]` keeps each polymorphic value to one schema, which keeps
    // error messages to one per mistake instead of one per anyOf branch.
    allowUnionTypes: true,
    ...options,
  });
  // Annotations for editors and for our messages; they never affect validation.
  ajv.addVocabulary(['x-expected', 'deprecationMessage']);
  return ajv;
}

/**
 * Where `npm run build` writes a schema's validator as code (scripts/json-validators.mjs):
 * compiling the model schema takes ajv about 0.3 s of CPU, loading its code a few ms.
 */
export const precompiledValidatorUrl = (schemaUrl: URL): URL =>
  new URL(
    `./validators/${schemaUrl.pathname
      .split('/')
      .pop()
      ?.replace(/\.json$/, '')}.cjs`,
    import.meta.url,
  );

export const schemaTextHash = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The build's validator of this exact schema text, or null (none built, or built from another text). */
async function precompiled(schemaUrl: URL, text: string): Promise<ValidateFunction | null> {
  try {
    // require, not import(): importing CommonJS from ESM first scans its source for named
    // exports (cjs-module-lexer), tens of milliseconds for the model schema's 235 KiB.
    const module = createRequire(import.meta.url)(fileURLToPath(precompiledValidatorUrl(schemaUrl))) as {
      default: ValidateFunction & { schemaHash?: string };
    };
    return module.default.schemaHash === schemaTextHash(text) ? module.default : null;
  } catch {
    return null;
  }
}

const cache = new Map<string, Promise<ValidateFunction>>();

function compile(url: URL): Promise<ValidateFunction> {
  let validator = cache.get(url.href);
  if (!validator) {
    validator = readFile(url, 'utf8').then(
      async (text) => (await precompiled(url, text)) ?? (await newAjv()).compile(JSON.parse(text) as AnySchemaObject),
    );
    cache.set(url.href, validator);
  }
  return validator;
}

/** The validator of one model file (pgfleet.schema.json). */
export const modelFileValidator = (): Promise<ValidateFunction> => compile(MODEL_SCHEMA_URL);

/** The validator of pgfleet.yaml (pgfleet-config.schema.json). */
export const configValidator = (): Promise<ValidateFunction> => compile(CONFIG_SCHEMA_URL);

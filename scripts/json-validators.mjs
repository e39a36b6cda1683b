// Writes each JSON Schema's ajv validator as code into dist/yaml/validators (run by
// `npm run build`, after tsc), so that a run loads it instead of compiling the schema.
// dist/yaml/json-schemas.js uses one only while its recorded hash matches the schema file.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import standaloneCode from 'ajv/dist/standalone/index.js';
import {
  CONFIG_SCHEMA_URL,
  MODEL_SCHEMA_URL,
  newAjv,
  precompiledValidatorUrl,
  schemaTextHash,
} from '../dist/yaml/json-schemas.js';

for (const url of [CONFIG_SCHEMA_URL, MODEL_SCHEMA_URL]) {
  const text = readFileSync(url, 'utf8');
  const ajv = await newAjv({ code: { source: true } });
  const code = standaloneCode.default(ajv, ajv.compile(JSON.parse(text)));
  const out = precompiledValidatorUrl(url);
  mkdirSync(new URL('.', out), { recursive: true });
  writeFileSync(out, `${code}\nmodule.exports.schemaHash = ${JSON.stringify(schemaTextHash(text))};\n`);
  console.log(`${fileURLToPath(out)}: ${Math.round(code.length / 1024)} KiB`);
}

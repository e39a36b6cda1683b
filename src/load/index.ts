/**
 * Loading: pgfleet.yaml and the YAML model files → `Config` and one `Model` per scope, with
 * every problem reported at `file:line:col`.
 */
export { unknownTypes } from './check-types.js';
export { type Config, displayName, type LoadConfigOptions, loadConfig } from './config.js';
export { type LoadedModel, loadModel, modelError } from './model-files.js';
export type { SourceIndex } from './source-index.js';

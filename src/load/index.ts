/**
 * Loading the YAML model files → one `Model` per scope, with every problem reported at
 * `file:line:col` (pgfleet.yaml is read by `config/`).
 */
export { unknownTypes } from './check-types.js';
export { type LoadedModel, loadModel, modelError } from './model-files.js';
export type { SourceIndex } from './source-index.js';

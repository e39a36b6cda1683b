export { type InspectOptions, inspectSchema, inspectSchemas } from './inspect-schemas.js';

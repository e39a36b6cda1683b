export { diff } from './diff.js';
export { enumUsages } from './diff-enums.js';

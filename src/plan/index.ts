export { orderChanges } from './order.js';
export { plan } from './plan.js';
export { ident, identList, literal, qualified } from './quote.js';
export type { Hazard, HazardKind, Plan, PlannedChange, PlanOptions, Statement } from './types.js';

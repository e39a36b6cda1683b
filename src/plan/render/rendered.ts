import type { Hazard, HazardKind, Statement } from '../types.js';

/** What rendering one change gives: its statements and their hazards. */
export interface Rendered {
  readonly statements: readonly Statement[];
  readonly hazards: readonly Hazard[];
}

export const sql = (text: string, transactional = true): Statement => ({ sql: text, transactional });

export const hazard = (kind: HazardKind, object: string, message: string): Hazard => ({ kind, object, message });

export const rendered = (statements: readonly Statement[], hazards: readonly Hazard[] = []): Rendered => ({
  statements,
  hazards,
});

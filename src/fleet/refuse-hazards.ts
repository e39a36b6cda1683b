import { PgfleetError } from '../errors.js';
import { type Migration, migrationSteps } from '../migrations/index.js';
import { HAZARD_KINDS, type HazardKind, isHazardKind } from '../model/hazards.js';

/** One statement of a pending migration whose hazard is not allowed. */
export interface RefusedHazard {
  readonly migration: string;
  readonly kind: HazardKind;
  readonly statement: string;
  readonly message: string;
}

/** The first line of a statement's code (its hazard comments left out), for a message. */
const firstLine = (sql: string) =>
  sql
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '' && !l.startsWith('--')) ?? '';

/** The statements of `migrations` (up) with a hazard kind outside `allowed`. */
export function hazardsNotAllowed(migrations: readonly Migration[], allowed: ReadonlySet<string>): RefusedHazard[] {
  const seen = new Set<string>();
  const out: RefusedHazard[] = [];
  for (const m of migrations) {
    if (seen.has(m.path)) continue;
    seen.add(m.path);
    for (const step of migrationSteps(m).up) {
      for (const s of step.statements) {
        for (const h of s.hazards) {
          if (!allowed.has(h.kind))
            out.push({ migration: m.path, kind: h.kind, statement: firstLine(s.sql), message: h.message });
        }
      }
    }
  }
  return out;
}

/**
 * `migrate` runs no migration with a hazard that was not allowed (`allowHazards` in
 * pgfleet.yaml, `--allow-hazards`): it stops before it touches any schema, naming each
 * migration, statement and hazard (exit 2).
 */
export function refuseHazards(migrations: readonly Migration[], allowed: readonly string[]): void {
  const unknown = allowed.filter((k) => !isHazardKind(k));
  if (unknown.length > 0) {
    throw new PgfleetError('input', `unknown hazard kind(s) to allow: ${unknown.join(', ')}`, {
      hint: `the kinds are ${HAZARD_KINDS.join(', ')}`,
    });
  }
  const refused = hazardsNotAllowed(migrations, new Set(allowed));
  if (refused.length === 0) return;
  const kinds = [...new Set(refused.map((r) => r.kind))];
  throw new PgfleetError(
    'input',
    `${refused.length} statement(s) of pending migrations carry hazards that are not allowed (${kinds.join(', ')}); nothing was run`,
    {
      diagnostics: refused.map((r) => ({
        file: r.migration,
        line: 1,
        col: 1,
        pointer: '',
        message: `${r.kind}: ${r.statement} (${r.message})`,
      })),
      hint: `if the lock or the loss is acceptable (a maintenance window), rerun with --allow-hazards ${kinds.join(',')} or add them to allowHazards in pgfleet.yaml; else regenerate with online forms (online: true) or split the change`,
    },
  );
}

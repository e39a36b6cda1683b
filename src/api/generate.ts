import { withCanonicalDatabase } from '../devdb/canonical-model.js';
import { devServerMajor } from '../devdb/server-major.js';
import { diff } from '../diff/diff.js';
import { PgfleetError } from '../errors.js';
import { cleanName, draftsFor } from '../migrations/drafts-for.js';
import {
  type Migration,
  type MigrationDraft,
  parseMigration,
  readMigrations,
  renderMigration,
  splitStatements,
  writeMigrations,
} from '../migrations/index.js';
import { migrationPath } from '../migrations/migration-id.js';
import { sameSchema } from '../model/compare.js';
import type { Scope } from '../model/types.js';
import { withDetectedRewrites } from '../plan/detected-rewrites.js';
import { plan } from '../plan/plan.js';
import type { Hazard } from '../plan/types.js';
import { replayedState } from '../replay/replay.js';
import { verifyMigrations } from '../replay/verify.js';
import type { Project } from './project.js';

export interface GenerateOptions {
  /** Name of the new migration(s); derived from the changes when absent. */
  readonly name?: string;
  /** Only this scope. */
  readonly scope?: Scope;
  /** Write nothing; report what is missing. */
  readonly check?: boolean;
  /** Allow changes that delete data (dropped tables and columns, narrowed types, removed enum values). */
  readonly allowDestructive?: boolean;
}

export interface GeneratedMigration {
  readonly scope: Scope;
  readonly id: string;
  readonly path: string;
  readonly transactional: boolean;
  /** How many steps its up section has (each its own transaction, or none). */
  readonly steps: number;
  readonly hazards: readonly string[];
  readonly statements: number;
  /** What the migration does, one line per change. */
  readonly summary: readonly string[];
}

export interface GenerateResult {
  /** True when the directory already produces the model. */
  readonly upToDate: boolean;
  /** The migrations written, or (with `check`) the ones that are missing. */
  readonly migrations: readonly GeneratedMigration[];
  readonly written: boolean;
}

const SCOPES: readonly Scope[] = ['shared', 'tenant'];

function refuseDestructive(hazards: readonly { scope: Scope; hazard: Hazard }[]) {
  const destructive = hazards.filter((h) => h.hazard.kind === 'deletes_data');
  if (destructive.length === 0) return;
  throw new PgfleetError('input', `refusing to generate ${destructive.length} change(s) that delete data`, {
    diagnostics: destructive.map(({ scope, hazard }) => ({
      file: `<${scope} model>`,
      line: 0,
      col: 0,
      pointer: '',
      message: hazard.message,
    })),
    hint: 'if the data may go, rerun with --allow-destructive (the file header will list each hazard); to keep it, use renamedFrom or a hand-written migration (`pgfleet new`)',
  });
}

/**
 * `pgfleet generate`: diff the state the migration directory produces with the model and
 * write the next migration of each scope that changed, after proving it on the dev
 * database (from the model's state, down gives the previous state and up the model again).
 *
 * @example
 * const result = await generate(await loadProject(), { name: 'add capacity' });
 */
export async function generate(project: Project, options: GenerateOptions = {}): Promise<GenerateResult> {
  const dir = project.config.migrations;
  const sharedSchema = project.config.shared.schema;
  // A code migration is imported only if the replay (not cached) runs it.
  const set = await readMigrations(dir, { codeFromCache: true });
  // The scratch database the model is canonicalised in holds the state the new migrations
  // must give: verification starts there instead of creating the schema once more.
  return withCanonicalDatabase(project, async (dev, canonical) => {
    const desired = canonical.models;
    const current = await replayedState(dev, set, sharedSchema);
    // A migration is written for the dev database's major (see the README: run it at production's).
    const serverMajor = await devServerMajor(dev);
    // Online forms unless pgfleet.yaml says `online: false` (teams that deploy in maintenance windows).
    const online = project.config.online?.enabled ?? true;
    const scopes = SCOPES.filter((s) => options.scope === undefined || options.scope === s);
    const plans = scopes
      .map((scope) => ({
        scope,
        plan: plan(diff(current[scope], desired[scope], { serverMajor }), {
          scope,
          sharedSchema,
          serverMajor,
          online,
          before: current[scope],
        }),
      }))
      .filter((p) => p.plan.changes.length > 0);
    if (plans.length === 0) return { upToDate: true, migrations: [], written: false };

    if (!options.allowDestructive && !options.check) {
      refuseDestructive(plans.flatMap((p) => p.plan.hazards.map((hazard) => ({ scope: p.scope, hazard }))));
    }
    const draftsOf = (planned: typeof plans) => {
      const out: { draft: MigrationDraft; summary: string[] }[] = [];
      let sharedRequire: MigrationDraft['requires'] = null;
      for (const { scope, plan: p } of planned) {
        const made = draftsFor(scope, p, set[scope], {
          name: options.name,
          requires: scope === 'tenant' ? sharedRequire : null,
          online,
        });
        if (scope === 'shared' && made.length > 0)
          sharedRequire = { scope: 'shared', version: made[made.length - 1].draft.version };
        out.push(...made);
      }
      return out;
    };
    const renderedOf = (made: readonly { draft: MigrationDraft }[]) =>
      made.map(({ draft }) =>
        parseMigration(renderMigration(draft), migrationPath(draft.scope, draft.version, draft.name)),
      );
    let drafts = draftsOf(plans);
    let rendered = renderedOf(drafts);
    const result = (written: boolean): GenerateResult => ({
      upToDate: false,
      written,
      migrations: rendered.map((m: Migration, i) => ({
        scope: m.scope,
        id: m.id,
        path: m.path,
        transactional: m.transactional,
        steps: m.steps?.up.length ?? 1,
        hazards: m.hazards,
        statements: splitStatements(m.up).length,
        summary: drafts[i].summary,
      })),
    });
    if (options.check) return result(false);

    // Only scopes that changed take part, but verification needs both scopes' states.
    const target = {
      shared: scopes.includes('shared') ? desired.shared : current.shared,
      tenant: scopes.includes('tenant') ? desired.tenant : current.tenant,
    };
    // Unless a scope left out has changes too, the canonical database is in the target state.
    const atTarget = SCOPES.every((s) => sameSchema(target[s], desired[s])) ? canonical.scratch : null;
    const rewrites = await verifyMigrations(dev, sharedSchema, current, target, rendered, atTarget);
    // The catalog, not the planner's rule, says which statements rewrite a table: the files
    // get its hazards (only comments change, so what was verified is what is written).
    const checked = plans.map((p) => {
      const m = rendered.find((r) => r.scope === p.scope);
      return { ...p, plan: (m && withDetectedRewrites(p.plan, rewrites.get(m.path) ?? [])) ?? p.plan };
    });
    drafts = draftsOf(checked);
    rendered = renderedOf(drafts);
    await writeMigrations(
      dir,
      drafts.map((d) => d.draft),
    );
    return result(true);
  });
}

export { cleanName };

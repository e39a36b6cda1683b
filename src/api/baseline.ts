import type { Config } from '../config/config.js';
import { connect, safeUrl } from '../devdb/dev-database.js';
import { withDevDatabase } from '../devdb/with-dev-database.js';
import { type BaselineSchema, type BaselineStatus, checkBaseline } from '../drift/check-baseline.js';
import { PgfleetError } from '../errors.js';
import { openFleet } from '../fleet/fleet.js';
import { recordBaseline } from '../fleet/record-baseline.js';
import { compareVersions, type Migration, type MigrationSet, readMigrations } from '../migrations/index.js';
import type { Scope } from '../model/types.js';
import { replayedState } from '../replay/replay.js';
import { checkSchemaFlag } from './flags.js';
import { type GeneratedMigration, generate } from './generate.js';
import type { Project } from './project.js';

export type { BaselineSchema, BaselineStatus } from '../drift/check-baseline.js';

export interface BaselineOptions {
  /** Schemas to leave out: neither checked nor recorded (their migrations stay pending). */
  readonly skip?: readonly string[];
  /** Baseline the migrations up to this version (of each scope); default: all of them. */
  readonly to?: string;
}

export interface BaselineResult {
  /** Migrations written first because the directory had none for a scope with a model. */
  readonly generated: readonly GeneratedMigration[];
  /** The migrations recorded as applied, by scope. */
  readonly migrations: Readonly<Record<Scope, readonly string[]>>;
  /** True when history was written; false when a schema differs (nothing is written then). */
  readonly recorded: boolean;
  readonly schemas: readonly BaselineSchema[];
  readonly summary: {
    readonly matches: number;
    readonly differs: number;
    readonly missing: number;
    readonly skipped: number;
    readonly managed: number;
  };
  /** Objects of the live schemas that the model cannot describe yet (so the check could not see them). */
  readonly warnings: readonly string[];
}

const upTo = (migrations: readonly Migration[], to: string | undefined) =>
  migrations.filter((m) => to === undefined || compareVersions(m.version, to) <= 0);

/**
 * `pgfleet baseline`: adopt an existing fleet. Takes the migrations of each scope (writing
 * the initial ones first when the directory has none), replays them on the dev database,
 * and checks that every live schema (the shared one and each tenant) is exactly what they
 * produce. Only when every schema not skipped matches are the migrations recorded in
 * pgfleet's history as applied, without running them (Django's `--fake-initial`, but
 * verified). The live schemas are never changed; a schema that differs is reported with
 * the difference and the SQL that would fix it, and nothing is written.
 *
 * @example
 * const result = await baseline(await loadProject(), { skip: ['tenant_broken'] });
 */
export async function baseline(project: Project, options: BaselineOptions = {}): Promise<BaselineResult> {
  for (const s of options.skip ?? []) checkSchemaFlag(s, '--skip');
  const { config } = project;
  if (config.databases.length === 0) {
    throw new PgfleetError('input', 'no database to baseline', {
      hint: 'pass --database-url, set DATABASE_URL, or set `database:` in pgfleet.yaml',
    });
  }
  let set = await readMigrations(config.migrations);
  let generated: readonly GeneratedMigration[] = [];
  const needs = (scope: Scope) =>
    set[scope].length === 0 && project[scope].tables.length + project[scope].enums.length > 0;
  if (needs('shared') || needs('tenant')) {
    generated = (await generate(project, { name: 'initial' })).migrations;
    set = await readMigrations(config.migrations);
  }
  const chosen: MigrationSet = { shared: upTo(set.shared, options.to), tenant: upTo(set.tenant, options.to) };
  const skip = new Set(options.skip ?? []);

  return withDevDatabase(project, async (dev) => {
    const expected = await replayedState(dev, chosen, config.shared.schema);
    const several = config.databases.length > 1;
    const checked: { url: string; config: Config; schemas: BaselineSchema[] }[] = [];
    const warnings: string[] = [];
    for (const db of config.databases) {
      const dbConfig: Config = { ...config, tenants: db.tenants, database: db.url };
      const client = await connect(db.url);
      try {
        const found = await checkBaseline(client, dbConfig, expected, dev, skip);
        const database = several ? { database: safeUrl(db.url) } : {};
        checked.push({ url: db.url, config: dbConfig, schemas: found.schemas.map((s) => ({ ...database, ...s })) });
        warnings.push(...found.warnings.map((w) => (several ? `${safeUrl(db.url)}: ${w}` : w)));
      } finally {
        await client.end();
      }
    }
    const schemas = checked.flatMap((c) => c.schemas);
    const count = (status: BaselineStatus) => schemas.filter((s) => s.status === status).length;
    const blocked = count('differs') + count('missing') > 0;
    if (!blocked) {
      for (const c of checked) {
        const fleet = await openFleet(c.url, 1, { lease: { expiryMs: config.runLock?.expiryMs } });
        try {
          await recordBaseline(
            fleet,
            c.schemas.filter((s) => s.status === 'matches'),
            chosen,
          );
        } finally {
          await fleet.close();
        }
      }
    }
    return {
      generated,
      migrations: { shared: chosen.shared.map((m) => m.id), tenant: chosen.tenant.map((m) => m.id) },
      recorded: !blocked,
      schemas,
      summary: {
        matches: count('matches'),
        differs: count('differs'),
        missing: count('missing'),
        skipped: count('skipped'),
        managed: count('managed'),
      },
      warnings,
    };
  });
}

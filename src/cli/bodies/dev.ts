import { diffSchema } from '../../api/diff-schema.js';
import { drift as fleetDrift } from '../../api/drift.js';
import { type GenerateResult, generate as generateMigrations } from '../../api/generate.js';
import { loadProject } from '../../api/project.js';
import { resolveConflicts } from '../../api/resolve-conflicts.js';
import { type ValidateResult, validate as validateModel } from '../../api/validate.js';
import { useWarmDevDatabase } from '../../devdb/warm-setting.js';
import type { DriftResult } from '../../drift/types.js';
import { driftFixSql, driftText } from '../../ui/drift.js';
import { driftMarkdown } from '../../ui/markdown.js';
import { planSql } from '../../ui/plan-sql.js';
import type { CommandIO } from '../io.js';
import { onlyOf } from './fleet-run.js';

/** The flags every command that uses the dev database has (dev-flags.ts defines `warm`). */
interface DevFlags {
  config: string;
  'database-url'?: string;
  warm?: boolean;
}

/** Load the project with the warm dev database on or off, as `--no-warm` says (BaseCommand does the same when oclif parses). */
function devProject(flags: DevFlags) {
  useWarmDevDatabase(flags.warm !== false);
  return loadProject({ configPath: flags.config, databaseUrl: flags['database-url'] });
}

/** `pgfleet validate` (commands/validate.ts has its flags and help). */
export async function validate(io: CommandIO, flags: DevFlags): Promise<ValidateResult> {
  const project = await devProject(flags);
  const result = await validateModel(project);
  io.say(
    `model is valid: ${result.shared.tables} shared tables (schema ${result.shared.schema}), ${result.tenant.tables} tenant tables`,
  );
  return result;
}

/** `pgfleet generate` (commands/generate.ts). */
export async function generate(
  io: CommandIO,
  flags: DevFlags & {
    name?: string;
    scope?: string;
    check?: boolean;
    'allow-destructive'?: boolean;
    renumber?: boolean;
  },
): Promise<GenerateResult> {
  const project = await devProject(flags);
  if (flags.renumber) {
    for (const move of await resolveConflicts(project)) io.say(`renumbered ${move.scope}/${move.from} → ${move.to}`);
  }
  const result = await generateMigrations(project, {
    name: flags.name,
    scope: flags.scope as 'shared' | 'tenant' | undefined,
    check: flags.check,
    allowDestructive: flags['allow-destructive'],
  });
  if (result.upToDate) {
    io.say('no changes: the migration directory produces the model');
    return result;
  }
  for (const m of result.migrations) {
    io.say(
      `${result.written ? 'wrote' : 'missing'} ${m.path}${m.steps > 1 ? ` (${m.steps} steps)` : m.transactional ? '' : ' (runs outside a transaction)'}`,
    );
    for (const line of m.summary) io.say(`  - ${line}`);
    for (const h of m.hazards) io.say(`  ! ${h}`);
  }
  if (flags.check) {
    // A finding for CI: exit 1, and the result is still the --json output.
    process.exitCode = 1;
    const scopes = [...new Set(result.migrations.map((m) => m.scope))].join(' and ');
    process.stderr.write(
      `error: the model has changes that no migration covers (${scopes})\nhint: run \`pgfleet generate\` and commit the new files\n`,
    );
  }
  return result;
}

export interface DiffResult {
  readonly schema: string;
  readonly scope: 'shared' | 'tenant';
  readonly exists: boolean;
  readonly up: ReadonlyArray<{ sql: string; transactional: boolean }>;
  readonly down: ReadonlyArray<{ sql: string; transactional: boolean }>;
  readonly hazards: ReadonlyArray<{ kind: string; object: string; message: string }>;
}

/** `pgfleet diff` (commands/diff.ts). */
export async function diff(io: CommandIO, flags: DevFlags & { schema?: string }): Promise<DiffResult> {
  const project = await devProject(flags);
  const schema = flags.schema ?? project.config.shared.schema;
  const d = await diffSchema(project, schema);
  if (!d.exists) process.stderr.write(`note: schema "${schema}" does not exist; the SQL below creates its objects\n`);
  if (!io.json) process.stdout.write(planSql(d.plan));
  if (d.plan.up.length === 0) process.stderr.write(`schema "${schema}" matches the ${d.scope} model\n`);
  return { schema, scope: d.scope, exists: d.exists, up: d.plan.up, down: d.plan.down, hazards: d.plan.hazards };
}

/** `pgfleet drift` (commands/drift.ts). */
export async function drift(
  io: CommandIO,
  flags: DevFlags & {
    shared?: boolean;
    tenant?: boolean;
    schema?: string;
    against: string;
    'fix-sql'?: boolean;
    concurrency?: number;
    format: string;
  },
): Promise<DriftResult> {
  const project = await devProject(flags);
  const result = await fleetDrift(project, {
    only: onlyOf(flags),
    against: flags.against as 'history' | 'model',
    fixSql: flags['fix-sql'],
    concurrency: flags.concurrency,
  });
  if (!io.json) {
    if (flags['fix-sql']) {
      process.stdout.write(driftFixSql(result));
      process.stderr.write(`${driftText(result)}\n`);
    } else {
      io.say(flags.format === 'markdown' ? driftMarkdown(result).trimEnd() : driftText(result));
    }
  }
  // Drift is a finding for CI: exit 1, and the result is still the --json output.
  if (!result.clean) process.exitCode = 1;
  return result;
}

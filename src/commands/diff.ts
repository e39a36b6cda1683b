import { Flags } from '@oclif/core';
import { diffSchema } from '../api/diff-schema.js';
import { loadProject } from '../api/project.js';
import { BaseCommand } from '../cli/base.js';
import { devFlags } from '../cli/dev-flags.js';
import { planSql } from '../ui/plan-sql.js';

export interface DiffResult {
  readonly schema: string;
  readonly scope: 'shared' | 'tenant';
  readonly exists: boolean;
  readonly up: ReadonlyArray<{ sql: string; transactional: boolean }>;
  readonly down: ReadonlyArray<{ sql: string; transactional: boolean }>;
  readonly hazards: ReadonlyArray<{ kind: string; object: string; message: string }>;
}

export default class Diff extends BaseCommand {
  static summary = 'Print the SQL that takes a live schema to the model.';
  static description =
    'Compares one live schema with the model of its scope (the configured shared schema is shared; any other schema is a tenant) and prints SQL that can be piped to psql, with hazards as comments. Writes nothing. Prints no statements when the schema matches.';
  static examples = [
    '<%= config.bin %> diff --schema public',
    '<%= config.bin %> diff --schema tenant_acme | psql "$DATABASE_URL"',
  ];

  static flags = {
    ...devFlags,
    schema: Flags.string({ description: 'live schema to compare (default: the shared schema)' }),
  };

  async run(): Promise<DiffResult> {
    const { flags } = await this.parse(Diff);
    const project = await loadProject({ configPath: flags.config, databaseUrl: flags['database-url'] });
    const schema = flags.schema ?? project.config.shared.schema;
    const d = await diffSchema(project, schema);
    if (!d.exists) process.stderr.write(`note: schema "${schema}" does not exist; the SQL below creates its objects\n`);
    if (!this.jsonEnabled()) process.stdout.write(planSql(d.plan));
    if (d.plan.up.length === 0) process.stderr.write(`schema "${schema}" matches the ${d.scope} model\n`);
    return { schema, scope: d.scope, exists: d.exists, up: d.plan.up, down: d.plan.down, hazards: d.plan.hazards };
  }
}

import { Flags } from '@oclif/core';
import { type BaselineResult, baseline } from '../api/baseline.js';
import { loadProject } from '../api/project.js';
import { BaseCommand } from '../cli/base.js';
import { devFlags } from '../cli/dev-flags.js';

export default class Baseline extends BaseCommand {
  static summary = 'Record the migrations an existing fleet already matches as applied, after checking that it does.';
  static description =
    `For a database that existed before pgfleet (adopted with \`pgfleet pull\`): takes the migrations of each scope (generating the initial ones first when generated/ has none), replays them on the dev database, and compares every live schema (the shared one and each tenant) with the state they produce. When every schema matches, the migrations are recorded in pgfleet's history as applied without running them, so \`migrate\` has nothing to do. Nothing in the live schemas is changed.

A schema that differs is shown with the difference and the SQL that would make it match, and nothing is recorded (exit 1): fix the schema, or leave it out with --skip (its migrations then stay pending). Schemas that already have pgfleet history are left as they are.`;
  static examples = [
    '<%= config.bin %> baseline',
    '<%= config.bin %> baseline --skip tenant_legacy --skip tenant_broken',
    '<%= config.bin %> baseline --to 0001',
  ];

  static flags = {
    ...devFlags,
    skip: Flags.string({ description: 'a schema to leave out (repeatable)', multiple: true }),
    to: Flags.string({ description: 'record the migrations up to this version (default: all)' }),
  };

  async run(): Promise<BaselineResult> {
    const { flags } = await this.parse(Baseline);
    const project = await loadProject({ configPath: flags.config, databaseUrl: flags['database-url'] });
    const result = await baseline(project, { skip: flags.skip, to: flags.to });
    for (const m of result.generated) this.say(`wrote ${m.path}`);
    for (const s of result.schemas.filter((x) => x.status === 'differs' || x.status === 'missing')) {
      const where = `${s.database ? `${s.database} ` : ''}${s.schema}`;
      if (s.status === 'missing') {
        this.say(`✗ ${where}: the schema does not exist`);
        continue;
      }
      this.say(`✗ ${where} differs from what the ${s.scope} migrations produce:\n${s.difference ?? ''}`);
      if (s.sql && s.sql.length > 0)
        this.say(`  SQL that would make it match:\n${s.sql.map((q) => `    ${q};`).join('\n')}`);
    }
    for (const w of result.warnings) process.stderr.write(`warning: ${w}\n`);
    const { summary: n } = result;
    const migrations = [
      ...result.migrations.shared.map((m) => `shared ${m}`),
      ...result.migrations.tenant.map((m) => `tenant ${m}`),
    ];
    const counts = `${n.matches} match, ${n.differs} differ, ${n.missing} missing, ${n.skipped} skipped, ${n.managed} already managed`;
    if (result.recorded) {
      this.say(`baseline recorded (${migrations.join(', ') || 'no migrations'}) for ${n.matches} schema(s): ${counts}`);
    } else {
      process.exitCode = 1;
      process.stderr.write(
        `error: nothing recorded: ${counts}\nhint: make those schemas match (the SQL above), or leave them out with --skip SCHEMA\n`,
      );
    }
    return result;
  }
}

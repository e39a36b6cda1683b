import { Flags } from '@oclif/core';
import { type CodegenResult, codegenDjango } from '../../api/codegen.js';
import { loadProject } from '../../api/project.js';
import { BaseCommand } from '../../cli/base.js';

export default class CodegenDjango extends BaseCommand {
  static summary = 'Write Django models (managed = False) for the tables of the model.';
  static description =
    'One Python module with a model class per table of both scopes (tenant tables are found through the search_path, as django-tenants sets it), so the ORM always agrees with the YAML. Django never migrates these tables: pgfleet does. What Django cannot say (CHECK expressions, composite keys, multi-column foreign keys, generated columns) is listed as a comment in the file. `--check` writes nothing and exits 1 when the file is stale: the CI gate for "models.py agrees with the model".';
  static examples = [
    '<%= config.bin %> codegen django --app bookings',
    '<%= config.bin %> codegen django --out app/pgfleet_models.py --app app --check',
  ];
  static flags = {
    app: Flags.string({ description: 'the Django app: writes <app>/pgfleet_models.py (with --out: Meta.app_label)' }),
    out: Flags.string({ description: 'the file to write, relative to pgfleet.yaml' }),
    check: Flags.boolean({ description: 'write nothing; exit 1 when the file is missing or stale' }),
  };

  async run(): Promise<CodegenResult> {
    const { flags } = await this.parse(CodegenDjango);
    const project = await loadProject({ configPath: flags.config, databaseUrl: flags['database-url'] });
    const result = await codegenDjango(project, { app: flags.app, out: flags.out, check: flags.check });
    const skipped = result.skipped.map((s) => `\n  no model for ${s.table}: ${s.reason}`).join('');
    if (result.state === 'stale') {
      process.exitCode = 1;
      this.say(`${result.path} is stale: run \`pgfleet codegen django\` without --check and commit it${skipped}`);
    } else {
      this.say(`${result.path}: ${result.models} models, ${result.state}${skipped}`);
    }
    return result;
  }
}

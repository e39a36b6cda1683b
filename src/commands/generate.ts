import { Flags } from '@oclif/core';
import { type GenerateResult, generate } from '../api/generate.js';
import { loadProject } from '../api/project.js';
import { resolveConflicts } from '../api/resolve-conflicts.js';
import { BaseCommand } from '../cli/base.js';
import { devFlags } from '../cli/dev-flags.js';

export default class Generate extends BaseCommand {
  static summary = 'Write the next migration of each scope whose model changed, verified on the dev database.';
  static description =
    `Diffs the state that the migration directory produces (replayed on the dev database, cached by checksum) with the model, and writes NNNN_<name>.sql for each scope that changed, after checking on the dev database that, from the model's state, down gives the previous state and up then gives the model again. Changes that delete data are refused without --allow-destructive.

With --check nothing is written: exit 0 when the directory already produces the model, 1 when a migration is missing (the CI check, like makemigrations --check).`;
  static examples = [
    '<%= config.bin %> generate --name add_service_capacity',
    '<%= config.bin %> generate --check',
    '<%= config.bin %> generate --scope tenant --allow-destructive',
  ];

  static flags = {
    ...devFlags,
    name: Flags.string({ description: 'name of the new migration (default: derived from the changes)' }),
    scope: Flags.string({ description: 'only this scope', options: ['shared', 'tenant'] }),
    check: Flags.boolean({ description: 'write nothing; exit 1 when a migration is missing' }),
    'allow-destructive': Flags.boolean({ description: 'allow changes that delete data; the header lists them' }),
    renumber: Flags.boolean({
      description: 'first resolve migrations that share a number (two merged branches): renumber the newer, verified',
    }),
  };

  async run(): Promise<GenerateResult> {
    const { flags } = await this.parse(Generate);
    const project = await loadProject({ configPath: flags.config, databaseUrl: flags['database-url'] });
    if (flags.renumber) {
      for (const move of await resolveConflicts(project))
        this.say(`renumbered ${move.scope}/${move.from} → ${move.to}`);
    }
    const result = await generate(project, {
      name: flags.name,
      scope: flags.scope as 'shared' | 'tenant' | undefined,
      check: flags.check,
      allowDestructive: flags['allow-destructive'],
    });
    if (result.upToDate) {
      this.say('no changes: the migration directory produces the model');
      return result;
    }
    for (const m of result.migrations) {
      this.say(
        `${result.written ? 'wrote' : 'missing'} ${m.path}${m.steps > 1 ? ` (${m.steps} steps)` : m.transactional ? '' : ' (runs outside a transaction)'}`,
      );
      for (const line of m.summary) this.say(`  - ${line}`);
      for (const h of m.hazards) this.say(`  ! ${h}`);
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
}

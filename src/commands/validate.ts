import type { ValidateResult } from '../api/validate.js';
import { BaseCommand } from '../cli/base.js';
import { validate } from '../cli/bodies/dev.js';
import { devFlags } from '../cli/dev-flags.js';

export default class Validate extends BaseCommand {
  static summary = 'Check the model and pgfleet.yaml: JSON Schema, names, references, and types known to Postgres.';
  static description =
    'Loads pgfleet.yaml and every YAML file of the model, reports all problems at once with file:line:col, then creates the model in a scratch database of the dev Postgres to be sure Postgres accepts it. Exit 0 when valid, 2 on any problem.';
  static examples = ['<%= config.bin %> validate', '<%= config.bin %> validate --config other/pgfleet.yaml --json'];

  static flags = { ...devFlags };

  async run(): Promise<ValidateResult> {
    const { flags } = await this.parse(Validate);
    return validate(this.io, flags);
  }
}

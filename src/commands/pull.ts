import { Flags } from '@oclif/core';
import { type PullResult, pull } from '../api/pull.js';
import { BaseCommand } from '../cli/base.js';
import { loadConfig } from '../config/config.js';

export default class Pull extends BaseCommand {
  static summary = 'Write the YAML model of a live database (adopt an existing project).';
  static description =
    `Reads the shared schema into schema/shared/ and one tenant schema (--tenant-template, else tenants.template of pgfleet.yaml, else the first tenant the config finds) into schema/tenant/, one file per table-name prefix (Django's <app>_<model>: services_service goes to services.yaml) or one file per scope with --one-file. Names Postgres would choose itself (<table>_pkey, <table>_<column>_key, _fkey, _check) are left out; defaults are YAML literals where that says the same. Existing model files are replaced only with --force.

Objects the model cannot describe yet are listed, not written: keep them in hand-written migrations (pgfleet new). Then: pgfleet validate, pgfleet generate, pgfleet baseline.`;
  static examples = [
    '<%= config.bin %> pull',
    '<%= config.bin %> pull --tenant-template tenant_demo',
    '<%= config.bin %> pull --shared-schema public --one-file --force',
  ];

  static flags = {
    'shared-schema': Flags.string({ description: 'shared schema to read (default: shared.schema of pgfleet.yaml)' }),
    'tenant-template': Flags.string({ description: 'tenant schema to read tenant objects from' }),
    'one-file': Flags.boolean({ description: 'one file per scope (schema.yaml) instead of one per table-name prefix' }),
    force: Flags.boolean({ description: 'replace existing model files' }),
  };

  async run(): Promise<PullResult> {
    const { flags } = await this.parse(Pull);
    const config = await loadConfig({ configPath: flags.config, databaseUrl: flags['database-url'] });
    const result = await pull(config, {
      sharedSchema: flags['shared-schema'],
      tenantTemplate: flags['tenant-template'],
      oneFile: flags['one-file'],
      force: flags.force,
    });
    const tenant = result.tenant ? `${result.tenant.tables} tenant tables from "${result.tenant.schema}"` : 'no tenant';
    this.say(`pulled ${result.shared.tables} shared tables from "${result.shared.schema}" and ${tenant}`);
    for (const f of result.removed) this.say(`removed ${f}`);
    for (const f of result.files) this.say(`wrote ${f.path}`);
    const rewritten = result.ownSchemaReferences.filter((r) => r.rewritten).length;
    if (rewritten > 0 && result.tenant) {
      this.say(`rewrote ${rewritten} reference(s) to "${result.tenant.schema}." as unqualified names`);
    }
    if (result.notPulled.length > 0) {
      this.say(`not pulled: ${result.notPulled.length} object(s) the model cannot describe yet:`);
      for (const k of result.notPulledKinds) this.say(`  ${k.count} ${k.kind}: ${k.reason}`);
      for (const o of result.notPulled) this.say(`  ${o.schema}: ${o.kind} ${o.name}`);
    } else this.say('not pulled: nothing (every object of the schemas read is in the model)');
    for (const w of result.warnings) process.stderr.write(`warning: ${w}\n`);
    return result;
  }
}

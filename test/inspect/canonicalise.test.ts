import { describe, expect, it } from 'vitest';
import { tempProject } from '../cli/project.js';
import { runCli } from '../cli/run-cli.js';

describe('canonicalising a model', { timeout: 120_000 }, () => {
  it('creates a valid model at once; one that Postgres rejects is named at the object it rejected', async () => {
    const good = `collations:
  ci: { provider: icu, locale: und-u-ks-level2, deterministic: false }
tables:
  a_item:
    columns:
      id: { type: bigint }
      name: { type: text, collation: ci }
    primaryKey: [id]
    checks:
      not_blank: btrim(name) <> ''
  a_note:
    columns:
      id: { type: bigint }
      body: { type: text }
    primaryKey: [id]
    checks:
      not_blank: btrim(body) <> ''
`;
    const ok = await runCli(['validate'], { cwd: await tempProject({ 'schema/tenant/a.yaml': good }) });
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toContain('model is valid: 0 shared tables (schema public), 2 tenant tables');

    const bad = good.replace("btrim(body) <> ''", 'no_such_function(body)');
    const rejected = await runCli(['validate'], { cwd: await tempProject({ 'schema/tenant/a.yaml': bad }) });
    expect(rejected.code).toBe(2);
    expect(rejected.stderr).toContain(
      'schema/tenant/a.yaml:11:3: Postgres rejected this tenant object: function no_such_function(text) does not exist (at /tables/a_note)',
    );
  });
});

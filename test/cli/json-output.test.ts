import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAZARD_KINDS } from '../../dist/model/hazards.js';
import { newAjv } from '../../dist/yaml/json-schemas.js';
import { type TestDatabase, testDatabase } from '../support/db.js';
import { exampleCopy, repo, useDatabase } from './project.js';
import { runCli } from './run-cli.js';

/**
 * Every command's `--json` output against its published JSON Schema (schemas/json), run
 * through the built CLI on one copy of the example project: a field renamed or added in code
 * without its schema fails here, so scripts can rely on the schemas.
 */
const SCHEMAS = join(repo, 'schemas', 'json');
const validators = new Map<string, ValidateFunction>();
const seen = new Set<string>();
const outputs: [string, Record<string, unknown>][] = [];
let dir: string;
let db: TestDatabase;
const made: string[] = [];

afterAll(() => Promise.all(made.map((d) => rm(d, { recursive: true, force: true }))));

beforeAll(async () => {
  const ajv = await newAjv({ allErrors: true });
  const files = (await readdir(SCHEMAS)).filter((f) => f.endsWith('.schema.json'));
  for (const f of files) ajv.addSchema(JSON.parse(await readFile(join(SCHEMAS, f), 'utf8')));
  for (const f of files) {
    const command = f.replace(/\.schema\.json$/, '');
    if (command !== 'defs') validators.set(command, ajv.getSchema(f) as ValidateFunction);
  }
  db = await testDatabase();
  dir = await exampleCopy();
  made.push(dir);
  await useDatabase(dir, db.url);
});

/**
 * Runs `pgfleet <args> --json` in the project and checks its stdout against the command's
 * schema. stdout is only JSON; stderr is empty but for a finding's own message (`stderr`).
 */
async function json(
  args: readonly string[],
  { code = 0, cwd = dir, stderr = /^$/ }: { code?: number; cwd?: string; stderr?: RegExp } = {},
): Promise<Record<string, unknown>> {
  const command = args
    .filter((a) => /^[a-z]/.test(a))
    .slice(0, args[0] === 'tenant' || args[0] === 'codegen' ? 2 : 1)
    .join('-');
  const r = await runCli([...args, '--json'], { cwd });
  expect.soft(r.stderr, `${args.join(' ')}: stderr`).toMatch(stderr);
  expect.soft(r.code, `${args.join(' ')}: ${r.stdout}`).toBe(code);
  const output = JSON.parse(r.stdout) as Record<string, unknown>;
  const validate = validators.get(command);
  expect.soft(validate, `schemas/json/${command}.schema.json`).toBeDefined();
  const valid = validate?.(output);
  expect.soft(valid ? [] : validate?.errors, `${args.join(' ')} --json against its schema`).toEqual([]);
  seen.add(command);
  outputs.push([command, output]);
  return output;
}

describe('--json output', () => {
  it('matches the schema of each command, on one project through a whole flow', { timeout: 300_000 }, async () => {
    await json(['validate']);
    await json(['sql', '0004']);
    await json(['migrate', '--shared']);
    await json(['tenant', 'create', 'tenant_a']);
    await json(['tenant', 'create', 'tenant_b']);
    await json(['tenant', 'list']);
    await json(['rollback', '--schema', 'tenant_b', '--steps', '1']);
    // A service without a slug: 0005 (slug NOT NULL) would fail there, and preflight says so.
    await db.client.query("INSERT INTO tenant_b.services_service (name, price) VALUES ('Unslugged', 1)");
    expect((await json(['migrate', '--preflight'], { code: 1 })).failures).toHaveLength(1);
    const plan = await json(['migrate', '--plan']);
    expect(plan.plan).toEqual(expect.arrayContaining([expect.objectContaining({ schema: 'tenant_b' })]));
    expect((await json(['migrate'], { code: 1 })).summary).toMatchObject({ failed: 1 });
    expect((await json(['status'])).tenants).toEqual(
      expect.arrayContaining([expect.objectContaining({ schema: 'tenant_b', failed: expect.anything() })]),
    );
    // A column added by hand: drift reports a group, diff the SQL (and hazard) that drops it.
    await db.client.query('ALTER TABLE tenant_a.services_service ADD COLUMN legacy_note text');
    expect((await json(['drift'], { code: 1 })).groups).toHaveLength(1);
    expect((await json(['diff', '--schema', 'tenant_a'])).hazards).not.toEqual([]);
    await json(['baseline']);
    await json(['tenant', 'drop', 'tenant_b', '--force']);
    await json(['codegen', 'django', '--out', 'models.py']);
    // The model pulled from tenant_a has the column: generate --check lists the missing migration.
    await json(['pull', '--tenant-template', 'tenant_a', '--force']);
    expect(
      (
        await json(['generate', '--check'], {
          code: 1,
          stderr: /^error: the model has changes that no migration covers/,
        })
      ).migrations,
    ).toHaveLength(1);
    await json(['new', '--scope', 'tenant', '--name', 'backfill']);
    await json(['squash', '--scope', 'tenant', '--to', '0002']);
    await json(['hash']);
    const empty = await mkdtemp(join(tmpdir(), 'pgfleet-init-'));
    made.push(empty);
    await json(['init'], { cwd: empty });
    await json(['validate', '--config', 'missing.yaml'], { code: 2 });

    // Every command has a schema, and each was checked here but the demo (its own Postgres, test/cli/demo.test.ts).
    const manifest = JSON.parse(await readFile(join(repo, 'oclif.manifest.json'), 'utf8'));
    const commands = Object.keys(manifest.commands).map((c) => c.replaceAll(':', '-'));
    expect([...validators.keys()].sort()).toEqual(commands.sort());
    expect(commands.filter((c) => !seen.has(c))).toEqual(['demo']);
    // A field the schema does not know fails it, at the top and inside (a renamed field is one).
    for (const [command, output] of outputs) {
      expect(validators.get(command)?.({ ...output, renamed: 1 }), command).toBe(false);
    }
    const status = outputs.find(([c]) => c === 'status')?.[1] as { tenants: object[] };
    const renamed = { ...status, tenants: status.tenants.map(({ ...t }) => ({ ...t, applied_ids: [] })) };
    expect(validators.get('status')?.(renamed)).toBe(false);
  });

  it('lists the hazard kinds the planner knows', async () => {
    const defs = JSON.parse(await readFile(join(SCHEMAS, 'defs.schema.json'), 'utf8'));
    expect(defs.definitions.hazardKind.enum).toEqual(HAZARD_KINDS);
  });

  it('ships with the package', async () => {
    const pkg = JSON.parse(await readFile(join(repo, 'package.json'), 'utf8'));
    expect(pkg.files).toContain('schemas');
  });
});

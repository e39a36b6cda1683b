import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Parser } from '@oclif/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FastSpec, parseFast } from '../../dist/cli/fast.js';
import { type TestDatabase, testDatabase } from '../support/db.js';
import { exampleCopy, repo, useDatabase } from './project.js';
import { type CliResult, runCli } from './run-cli.js';

/**
 * The CLI's fast path (src/cli/fast.ts): migrate, status, rollback and tenant run without
 * oclif. What it accepts must be what oclif's parser gives for the same argv, and anything
 * else must be left to oclif, so that the user sees one behaviour whichever path ran.
 */
const { SPECS } = (await import(join(repo, 'dist', 'bundle', 'fast.js'))) as { SPECS: Record<string, FastSpec> };

type OclifCommand = { baseFlags?: object; flags?: object; args?: object };
const oclifCommand = async (id: string): Promise<OclifCommand> =>
  (await import(join(repo, 'dist', 'commands', `${id.split(':').join('/')}.js`))).default;

/** oclif's parse of argv for the command, or null where oclif refuses it. */
async function oclifParse(id: string, argv: string[]) {
  const c = await oclifCommand(id);
  try {
    const r = await Parser.parse(argv, {
      flags: { ...c.baseFlags, ...c.flags } as never,
      args: (c.args ?? {}) as never,
      strict: true,
    });
    return { flags: r.flags, args: r.args };
  } catch {
    return null;
  }
}

const CASES: Record<string, string[][]> = {
  migrate: [
    [],
    ['--tenant', '--concurrency', '4'],
    ['--concurrency=8', '--shared'],
    ['--schema', 'tenant_acme', '--to', '0004'],
    ['--schema=', '--plan'],
    ['--plan', '--format', 'markdown'],
    ['--preflight', '--wave', 'canary', '--statement-timeout', '500'],
    ['--allow-hazards', 'blocks_writes,rewrites_table', '--lock-timeout', '250', '--fail-fast'],
    ['--config', 'other.yaml', '--database-url', 'postgres://x@h/db'],
    ['--fake'],
    // oclif refuses each of these: the fast path must leave them to it.
    ['--concurrency', '0'],
    ['--concurrency', '257'],
    ['--concurrency', 'four'],
    ['--concurrency', '4', '--concurrency', '5'],
    ['--tenant', '--shared'],
    ['--preflight', '--plan'],
    ['--format', 'html'],
    ['--conc', '4'],
    ['extra'],
    ['--plan=yes'],
  ],
  rollback: [
    ['--tenant', '--steps', '1'],
    ['--to', '0003', '--plan'],
    ['--steps', '0'],
    ['--to', '0003', '--steps', '1'],
  ],
  status: [[], ['--schema', 'tenant_acme'], ['--schema']],
  'tenant:create': [['acme'], ['acme', '--config', 'x.yaml'], [], ['a', 'b'], ['--force', 'acme']],
  'tenant:drop': [['acme', '--force'], ['acme'], ['--force']],
  'tenant:list': [[], ['acme']],
  validate: [[], ['--no-warm'], ['--warm'], ['--warm', '--no-warm'], ['--no-warm', '--no-warm'], ['--cold']],
  generate: [
    ['--check'],
    ['--name', 'add_x', '--scope', 'tenant', '--allow-destructive', '--renumber'],
    ['--scope', 'global'],
    ['--check', '--no-warm', '--config', 'x.yaml'],
  ],
  diff: [['--schema', 'tenant_acme'], ['--no-warm'], ['acme']],
  drift: [
    [],
    ['--tenant', '--against', 'model', '--format', 'markdown'],
    ['--fix-sql', '--concurrency', '2', '--no-warm'],
    ['--against', 'yesterday'],
    ['--shared', '--schema', 'x'],
  ],
};

// oclif takes these, the last word winning; the fast path leaves them to it rather than guess.
const LEFT_ALTHOUGH_VALID = new Set(['validate --warm --no-warm', 'validate --no-warm --no-warm']);

describe('the fast path parses as oclif does', () => {
  it('has a spec for each command of the table, read from the oclif command', () => {
    expect(Object.keys(SPECS).sort()).toEqual(Object.keys(CASES).sort());
    expect(SPECS.migrate.flags.concurrency).toEqual({ type: 'integer', min: 1, max: 256 });
    expect(SPECS['tenant:create'].args).toEqual(['name']);
  });

  for (const [id, cases] of Object.entries(CASES)) {
    it.each(cases.map((argv) => [argv.join(' ') || '(none)', argv]))(`${id} %s`, async (_label, argv) => {
      const fast = parseFast(argv as string[], SPECS[id]);
      const oclif = await oclifParse(id, argv as string[]);
      if (oclif === null || LEFT_ALTHOUGH_VALID.has(`${id} ${(argv as string[]).join(' ')}`)) expect(fast).toBeNull();
      else expect(fast).toEqual(oclif);
    });
  }

  it('leaves help, --json and `--` to oclif', () => {
    for (const argv of [['--help'], ['-h'], ['--tenant', '--json'], ['--', '--tenant']])
      expect(parseFast(argv, SPECS.migrate)).toBeNull();
  });
});

describe('the CLI prints the same on either path', () => {
  let db: TestDatabase;
  let dir: string;
  // Which path ran: oclif's settings module sets globalThis.oclif when it loads.
  let probe: string;
  afterAll(() => Promise.all([dir, probe].map((d) => rm(d, { recursive: true, force: true }))));
  beforeAll(async () => {
    db = await testDatabase();
    dir = await exampleCopy();
    probe = await mkdtemp(join(tmpdir(), 'pgfleet-fast-'));
    await writeFile(
      join(probe, 'probe.cjs'),
      `process.on('exit', () => require('node:fs').writeFileSync(process.env.PROBE_OUT, globalThis.oclif ? 'oclif' : 'fast'));\n`,
    );
    await useDatabase(dir, db.url);
  });

  const oclif = { PGFLEET_FAST: '0' };
  // The run's time and the tenants' creation times differ between two runs.
  const stable = (r: CliResult) => ({
    code: r.code,
    stdout: r.stdout.replace(/\d+(\.\d+)? ?(ms|s)\b/g, 'T').replace(/"ms": \d+/g, '"ms": T'),
    stderr: r.stderr,
  });
  /** Run on the default path (the fast one, unless `path` says oclif takes it) and on oclif's: the same output. */
  const both = async (args: string[], path: 'fast' | 'oclif' = 'fast') => {
    const out = join(probe, 'path');
    const fast = await runCli(args, {
      cwd: dir,
      env: { NODE_OPTIONS: `--require ${join(probe, 'probe.cjs')}`, PROBE_OUT: out },
    });
    expect(await readFile(out, 'utf8'), args.join(' ')).toBe(path);
    const slow = await runCli(args, { cwd: dir, env: oclif });
    expect(stable(fast)).toEqual(stable(slow));
    return fast;
  };

  it('migrate, status, tenant create, list and drop, and rollback', async () => {
    // The first run differs by nature (it migrates): each path migrates once, then they must agree.
    const first = await runCli(['migrate'], { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    expect((await both(['migrate'])).stdout).toMatch(/already up to date/);
    expect((await both(['status'])).stdout).toMatch(/public/);
    await both(['status', '--schema', 'public']);
    const created = await runCli(['tenant', 'create', 'tenant_fast'], { cwd: dir });
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/^created tenant "tenant_fast" at 0005 \(5 migrations, registered\)/);
    const oclifCreated = await runCli(['tenant', 'create', 'tenant_slow'], { cwd: dir, env: oclif });
    expect(oclifCreated.stdout.replace(/\d+ ms/, 'T')).toEqual(
      created.stdout.replace('fast', 'slow').replace(/\d+ ms/, 'T'),
    );
    expect((await both(['tenant', 'list'])).stdout).toMatch(/tenant_fast\t0005\ntenant_slow\t0005/);
    await both(['migrate', '--plan']);
    await both(['rollback', '--schema', 'tenant_fast', '--to', '0005', '--plan']);
    const dropped = await runCli(['tenant', 'drop', 'tenant_fast', '--force'], { cwd: dir });
    expect(dropped).toMatchObject({ code: 0, stdout: 'dropped tenant "tenant_fast"\n' });
  });

  it('validate, generate --check, diff and drift, on the dev database', async () => {
    expect((await both(['validate'])).stdout).toMatch(/^model is valid: /);
    expect((await both(['generate', '--check', '--no-warm'])).stdout).toMatch(/no changes/);
    expect((await both(['diff', '--schema', 'public'])).stderr).toMatch(/matches the shared model/);
    const drift = await both(['drift', '--format', 'markdown']);
    expect(drift.code, drift.stderr).toBe(0);
    expect((await both(['drift', '--json'], 'oclif')).stdout).toMatch(/^\{/);
  });

  it('errors: exit codes and messages', async () => {
    // Bad input from the body (exit 2), a flag oclif refuses (exit 2, oclif's words), a dead database (exit 3).
    expect((await both(['tenant', 'drop', 'tenant_slow'])).code).toBe(2);
    expect((await both(['tenant', 'create', 'pg_bad'])).code).toBe(2);
    expect((await both(['migrate', '--concurrency', '0'], 'oclif')).code).toBe(2);
    expect((await both(['status', '--json'], 'oclif')).stdout).toMatch(/^\{/);
    expect((await both(['migrate', '--to', '9999'])).code).toBe(2);
    const dead = await both(['status', '--database-url', 'postgres://nobody@127.0.0.1:1/none']);
    expect(dead.code).toBe(3);
    expect(dead.stderr).toMatch(/^error: /);
  });
});

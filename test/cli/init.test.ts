import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serverUrl } from '../support/db.js';
import { runCli } from './run-cli.js';

describe('pgfleet init', { timeout: 120_000 }, () => {
  it('scaffolds a project that generates its first migrations, and refuses to overwrite one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pgfleet-init-'));
    const first = await runCli(['init'], { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    for (const file of ['pgfleet.yaml', 'schema/shared/app.yaml', 'schema/tenant/app.yaml'])
      expect(existsSync(join(dir, file)), file).toBe(true);
    expect(first.stdout).toMatch(/wrote schema\/tenant\/app\.yaml/);

    // The scaffold is a working project: its model validates and generates (on the test server).
    const config = join(dir, 'pgfleet.yaml');
    await writeFile(
      config,
      (await readFile(config, 'utf8')).replace('devDatabase: embedded', `devDatabase: ${serverUrl()}`),
    );
    const generated = await runCli(['generate', '--name', 'initial'], { cwd: dir });
    expect(generated.code, generated.stderr).toBe(0);
    expect(existsSync(join(dir, 'generated', 'shared', '0001_initial.sql'))).toBe(true);
    expect(await readFile(join(dir, 'generated', 'tenant', '0001_initial.sql'), 'utf8')).toMatch(
      /CREATE TABLE notes_note/,
    );

    const before = await readFile(config, 'utf8');
    const again = await runCli(['init'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already here: pgfleet\.yaml exists; nothing was written/);
    expect(await readFile(config, 'utf8')).toBe(before);
  });

  it('writes the database URL it is given', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pgfleet-init-'));
    const r = await runCli(['init', '--database-url', 'postgres://app@db.internal/app'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(await readFile(join(dir, 'pgfleet.yaml'), 'utf8')).toMatch(
      /^database: "postgres:\/\/app@db\.internal\/app"$/m,
    );
  });
});
